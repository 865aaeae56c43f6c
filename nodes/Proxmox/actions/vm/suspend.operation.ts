import { powerAction } from '../guest/common';

export const suspend = powerAction('qemu', 'suspend');
