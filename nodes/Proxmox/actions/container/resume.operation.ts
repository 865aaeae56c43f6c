import { powerAction } from '../guest/common';

export const resume = powerAction('lxc', 'resume');
