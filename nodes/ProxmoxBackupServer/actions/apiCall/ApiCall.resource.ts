import type { ProxmoxResource } from '../../../shared/actions/types';
import { request } from './request.operation';

export const apiCallResource: ProxmoxResource = {
	value: 'apiCall',
	name: 'API Call',
	description: 'Any endpoint of the Proxmox Backup Server API, checked against its schema',
	operations: [request],
};
