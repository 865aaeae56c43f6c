/**
 * The node's access to Proxmox Backup Server: the shared client (nodes/shared/proxmox) built from
 * the PBS credential, told which privilege each endpoint needs so a 403 names it. No HTTP code
 * lives here.
 */
import { createConnector } from '../../shared/actions/connect';
import { pbsRequirement } from '../helpers/catalogue';

export const CREDENTIAL_TYPE = 'proxmoxMcpPbsApi';

export const connector = createConnector(CREDENTIAL_TYPE, 'pbs', 'Proxmox Backup Server credential', { requirementFor: pbsRequirement });
export const { clientFromCredentials, getClient } = connector;
