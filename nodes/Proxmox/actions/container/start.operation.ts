import { powerAction } from '../guest/common';

export const start = powerAction('lxc', 'start');
