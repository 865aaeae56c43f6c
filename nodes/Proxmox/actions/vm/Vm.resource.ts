import type { ProxmoxResource } from '../types';
import { agentExec } from './agentExec.operation';
import { agentFileRead } from './agentFileRead.operation';
import { agentPing } from './agentPing.operation';
import { clone } from './clone.operation';
import { convertToTemplate } from './convertToTemplate.operation';
import { create } from './create.operation';
import { createSnapshot } from './createSnapshot.operation';
import { deleteVm } from './delete.operation';
import { deleteSnapshot } from './deleteSnapshot.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { getMetrics } from './getMetrics.operation';
import { getSnapshots } from './getSnapshots.operation';
import { migrate } from './migrate.operation';
import { reboot } from './reboot.operation';
import { reset } from './reset.operation';
import { resize } from './resize.operation';
import { resume } from './resume.operation';
import { rollbackSnapshot } from './rollbackSnapshot.operation';
import { shutdown } from './shutdown.operation';
import { start } from './start.operation';
import { stop } from './stop.operation';
import { suspend } from './suspend.operation';
import { updateConfig } from './updateConfig.operation';

export const vmResource: ProxmoxResource = {
	value: 'vm',
	name: 'VM',
	description: 'QEMU virtual machines',
	operations: [
		getMany,
		get,
		create,
		clone,
		updateConfig,
		resize,
		deleteVm,
		start,
		stop,
		shutdown,
		reboot,
		reset,
		suspend,
		resume,
		migrate,
		convertToTemplate,
		getSnapshots,
		createSnapshot,
		rollbackSnapshot,
		deleteSnapshot,
		agentPing,
		agentExec,
		agentFileRead,
		getMetrics,
	],
};
