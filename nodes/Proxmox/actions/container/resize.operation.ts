import { guestResize } from '../guest/common';

export const resize = guestResize('lxc');
