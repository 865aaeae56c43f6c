import { connector } from '../transport';

export const proxmoxMcpApiTest = connector.credentialTest;
