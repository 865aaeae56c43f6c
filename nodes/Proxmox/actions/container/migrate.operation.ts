import { guestMigrate } from '../guest/common';

export const migrate = guestMigrate('lxc');
