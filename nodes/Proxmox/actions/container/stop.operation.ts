import { powerAction } from '../guest/common';

export const stop = powerAction('lxc', 'stop');
