import { protection } from './protect.operation';

export const unprotect = protection(false);
