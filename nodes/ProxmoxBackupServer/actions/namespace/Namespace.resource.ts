import type { ProxmoxResource } from '../../../shared/actions/types';
import { create } from './create.operation';
import { remove } from './delete.operation';
import { getMany } from './getMany.operation';

export const namespaceResource: ProxmoxResource = {
	value: 'namespace',
	name: 'Namespace',
	description: 'Namespaces that organise backup groups inside a datastore',
	operations: [getMany, create, remove],
};
