import { apiCallOperation } from '../../../shared/actions/apiCall';
import { PVE_CATALOGUE } from '../../helpers/catalogue';

export const request = apiCallOperation(PVE_CATALOGUE, {
	template: '/nodes/{node}/qemu/{vmid}/config',
	concrete: '/nodes/pve1/qemu',
	parameters: '{"node": "pve1", "vmid": 100}',
	variables: 'node, vmid',
});
