export * as listSearch from './listSearch';
import { proxmoxMcpPbsApiTest } from './credentialTest';

export const credentialTest = { proxmoxMcpPbsApiTest };
