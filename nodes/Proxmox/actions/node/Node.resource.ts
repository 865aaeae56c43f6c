import type { ProxmoxResource } from '../types';
import { getDisks } from './getDisks.operation';
import { getMany } from './getMany.operation';
import { getMetrics } from './getMetrics.operation';
import { getNetwork } from './getNetwork.operation';
import { getServices } from './getServices.operation';
import { getStatus } from './getStatus.operation';
import { getStorageForecast } from './getStorageForecast.operation';
import { getSyslog } from './getSyslog.operation';
import { getUpdates } from './getUpdates.operation';
import { restartService } from './restartService.operation';

export const nodeResource: ProxmoxResource = {
	value: 'node',
	name: 'Node',
	description: 'Cluster nodes (hosts): status, metrics, logs, services, network, disks, updates',
	operations: [getMany, getStatus, getMetrics, getSyslog, getServices, restartService, getNetwork, getDisks, getUpdates, getStorageForecast],
};
