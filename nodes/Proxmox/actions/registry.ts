import { findOperation as findIn } from '../../shared/actions/router';
import type { ProxmoxOperation, ProxmoxResource } from './types';
import { apiCallResource } from './apiCall/ApiCall.resource';
import { backupResource } from './backup/Backup.resource';
import { clusterResource } from './cluster/Cluster.resource';
import { containerResource } from './container/Container.resource';
import { notificationResource } from './notification/Notification.resource';
import { nodeResource } from './node/Node.resource';
import { storageResource } from './storage/Storage.resource';
import { taskResource } from './task/Task.resource';
import { vmResource } from './vm/Vm.resource';

/** Every resource of the node, in the order the UI lists them. */
export const RESOURCES: ProxmoxResource[] = [vmResource, containerResource, nodeResource, clusterResource, storageResource, backupResource, taskResource, notificationResource, apiCallResource];

export function findOperation(resource: string, operation: string): ProxmoxOperation | undefined {
	return findIn(RESOURCES, resource, operation);
}
