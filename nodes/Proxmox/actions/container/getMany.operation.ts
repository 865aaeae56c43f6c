import { guestGetMany } from '../guest/common';

export const getMany = guestGetMany('lxc');
