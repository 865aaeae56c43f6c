import { shutdownAction } from '../guest/common';

export const shutdown = shutdownAction('lxc');
