import { createRouter } from '../../shared/actions/router';
import { getClient } from '../transport';
import { RESOURCES } from './registry';

/**
 * Runs the selected operation for every input item (shared router: AI guard, dry run, task wait).
 * Secret-named fields (a remote's password, keys, tokens) are masked in every output.
 */
export const router = createRouter({ resources: RESOURCES, getClient, productName: 'Proxmox Backup Server', maskSecretFields: true });
