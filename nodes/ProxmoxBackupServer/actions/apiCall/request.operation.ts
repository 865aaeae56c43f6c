import { apiCallOperation } from '../../../shared/actions/apiCall';
import { PBS_API_RULES } from '../../helpers/apiCallSafety';
import { PBS_CATALOGUE } from '../../helpers/catalogue';

export const request = apiCallOperation(
	PBS_CATALOGUE,
	{
		template: '/admin/datastore/{store}/snapshots',
		concrete: '/admin/datastore/backup/snapshots',
		parameters: '{"store": "backup", "backup-type": "vm"}',
		variables: 'store, node',
	},
	{
		rules: PBS_API_RULES,
		summary:
			'GET is a read (except downloading files out of backups), DELETE and writes that prune (or set retention), change users, tokens, ACLs, realms, TFA or passwords (/access), certificates, network, host disks, remotes, S3 or encryption keys, open a shell or answer secrets are destructive; other writes (GC, verify, sync, notes) are writes.',
	},
);
