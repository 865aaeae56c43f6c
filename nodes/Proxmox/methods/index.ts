export * as listSearch from './listSearch';
import { proxmoxMcpApiTest } from './credentialTest';

export const credentialTest = { proxmoxMcpApiTest };
