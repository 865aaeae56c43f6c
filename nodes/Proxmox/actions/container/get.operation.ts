import { guestGet } from '../guest/common';

export const get = guestGet('lxc');
