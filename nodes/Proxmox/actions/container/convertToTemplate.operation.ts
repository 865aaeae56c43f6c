import { guestTemplate } from '../guest/common';

export const convertToTemplate = guestTemplate('lxc');
