import { guestDelete } from '../guest/common';

export const deleteVm = guestDelete('qemu');
