import { powerAction } from '../guest/common';

export const stop = powerAction('qemu', 'stop');
