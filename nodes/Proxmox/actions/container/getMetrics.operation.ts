import { rrdFields } from '../common.descriptions';
import { guestRrd } from '../guest/common';

export const getMetrics = guestRrd('lxc', rrdFields(false));
