import type { ProxmoxResource } from '../types';
import { clone } from './clone.operation';
import { convertToTemplate } from './convertToTemplate.operation';
import { create } from './create.operation';
import { createSnapshot } from './createSnapshot.operation';
import { deleteContainer } from './delete.operation';
import { deleteSnapshot } from './deleteSnapshot.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { getMetrics } from './getMetrics.operation';
import { getSnapshots } from './getSnapshots.operation';
import { migrate } from './migrate.operation';
import { reboot } from './reboot.operation';
import { resize } from './resize.operation';
import { resume } from './resume.operation';
import { rollbackSnapshot } from './rollbackSnapshot.operation';
import { shutdown } from './shutdown.operation';
import { start } from './start.operation';
import { stop } from './stop.operation';
import { suspend } from './suspend.operation';
import { updateConfig } from './updateConfig.operation';

export const containerResource: ProxmoxResource = {
	value: 'container',
	name: 'Container',
	description: 'LXC containers',
	operations: [
		getMany,
		get,
		create,
		clone,
		updateConfig,
		resize,
		deleteContainer,
		start,
		stop,
		shutdown,
		reboot,
		suspend,
		resume,
		migrate,
		convertToTemplate,
		getSnapshots,
		createSnapshot,
		rollbackSnapshot,
		deleteSnapshot,
		getMetrics,
	],
};
