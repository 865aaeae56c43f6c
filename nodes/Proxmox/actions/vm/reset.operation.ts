import { powerAction } from '../guest/common';

export const reset = powerAction('qemu', 'reset');
