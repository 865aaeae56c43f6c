import { powerAction } from '../guest/common';

export const start = powerAction('qemu', 'start');
