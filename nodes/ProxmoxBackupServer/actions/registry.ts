import type { ProxmoxResource } from '../../shared/actions/types';
import { apiCallResource } from './apiCall/ApiCall.resource';
import { datastoreResource } from './datastore/Datastore.resource';
import { gcResource } from './gc/Gc.resource';
import { groupResource } from './group/Group.resource';
import { namespaceResource } from './namespace/Namespace.resource';
import { pruneResource } from './prune/Prune.resource';
import { snapshotResource } from './snapshot/Snapshot.resource';
import { syncResource } from './sync/Sync.resource';
import { taskResource } from './task/Task.resource';
import { verifyResource } from './verify/Verify.resource';

/** Every resource of the node, in the order the UI lists them. */
export const RESOURCES: ProxmoxResource[] = [
	datastoreResource,
	namespaceResource,
	groupResource,
	snapshotResource,
	gcResource,
	verifyResource,
	pruneResource,
	syncResource,
	taskResource,
	apiCallResource,
];
