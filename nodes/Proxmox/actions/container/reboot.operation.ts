import { powerAction } from '../guest/common';

export const reboot = powerAction('lxc', 'reboot');
