/**
 * The node's access to Proxmox: the shared client (nodes/shared/proxmox) built from the
 * node's credential. No HTTP code lives here.
 */
import { createConnector } from '../../shared/actions/connect';

export const CREDENTIAL_TYPE = 'proxmoxMcpApi';

export const connector = createConnector(CREDENTIAL_TYPE, 'pve', 'Proxmox credential');
export const { clientFromCredentials, getClient } = connector;
