import { apiCallOperation } from '../../../shared/actions/apiCall';
import { PBS_CATALOGUE } from '../../helpers/catalogue';

export const request = apiCallOperation(PBS_CATALOGUE, {
	template: '/admin/datastore/{store}/snapshots',
	concrete: '/admin/datastore/backup/snapshots',
	parameters: '{"store": "backup", "backup-type": "vm"}',
	variables: 'store, node',
});
