import { powerAction } from '../guest/common';

export const suspend = powerAction('lxc', 'suspend');
