import { guestUpdateConfig } from '../guest/lifecycle';

export const updateConfig = guestUpdateConfig('lxc');
