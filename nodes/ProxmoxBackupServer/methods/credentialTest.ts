import { connector } from '../transport';

export const proxmoxMcpPbsApiTest = connector.credentialTest;
