import { guestCreate } from '../guest/lifecycle';

export const create = guestCreate('lxc');
