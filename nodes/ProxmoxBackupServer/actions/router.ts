import { createRouter } from '../../shared/actions/router';
import { getClient } from '../transport';
import { RESOURCES } from './registry';

/** Runs the selected operation for every input item (shared router: AI guard, dry run, task wait). */
export const router = createRouter({ resources: RESOURCES, getClient, productName: 'Proxmox Backup Server' });
