import { guestDelete } from '../guest/common';

export const deleteContainer = guestDelete('lxc');
