import type { ProxmoxResource } from '../types';
import { request } from './request.operation';

export const apiCallResource: ProxmoxResource = {
	value: 'apiCall',
	name: 'API Call',
	description: 'Any endpoint of the Proxmox VE API, checked against its schema',
	operations: [request],
};
