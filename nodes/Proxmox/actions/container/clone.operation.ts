import { guestClone } from '../guest/lifecycle';

export const clone = guestClone('lxc');
