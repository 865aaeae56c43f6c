/**
 * The Syslog Trigger's `event.key` (correlationKey, nodes/shared/events.ts): a syslog line about a
 * task or a failed backup gets the key the task poll and the notification push compute for the same
 * happening, so a workflow can drop the duplicates across sources.
 */
import type { IDataObject } from 'n8n-workflow';

import { taskEvent } from '../../../nodes/ProxmoxPollTrigger/tasks';
import { notificationEvent } from '../../../nodes/ProxmoxTrigger/push/event';
import type { SyslogItem } from '../../../nodes/SyslogTrigger/item';
import { SyslogPipeline, type PipelineConfig } from '../../../nodes/SyslogTrigger/pipeline';

const config: PipelineConfig = {
	maxMessageBytes: 8192,
	unparseable: 'emit',
	classify: true,
	includeRaw: false,
	timeZone: 'UTC',
	filter: null,
	allowSource: null,
	dedupeWindowMs: 0,
	dedupeMaxKeys: 1000,
	ratePerSecond: 0,
	batchSize: 1,
	batchMaxWaitMs: 0,
	maxQueue: 1000,
	maxQueueBytes: 64 * 1024 * 1024,
	maxInFlight: 0,
	attachStats: false,
};

function receive(line: string): SyslogItem {
	const items: SyslogItem[] = [];
	const pipeline = new SyslogPipeline(config, (batch) => {
		items.push(...batch);
	});
	pipeline.handle(Buffer.from(line), '127.0.0.1', 40000, 'udp');
	pipeline.close();
	return items[0];
}

const keyOf = (item: IDataObject | SyslogItem) => (item.event as IDataObject).key;
const epoch = (iso: string) => Date.parse(iso) / 1000;

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-24T21:15:00Z') }));
afterEach(() => jest.useRealTimers());

describe('syslog event.key', () => {
	it('an end-task line has the task key the poll source gives the same task', () => {
		const upid = 'UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam:';
		const item = receive(`<30>Mar 24 21:04:10 pve1 pvedaemon[669766]: <root@pam> end task ${upid} OK\n`);
		expect(keyOf(item)).toBe(`proxmox:task:${upid}`);
		const polled = taskEvent({ upid, node: 'pve1', type: 'qmstart', id: '103', user: 'root@pam', starttime: epoch('2026-03-24T21:04:08Z'), endtime: epoch('2026-03-24T21:04:10Z'), status: 'OK' }, 'https://pve1:8006');
		expect(keyOf(item)).toBe(keyOf(polled));
	});

	it('a failed backup job (vzdump line, end-task line) has the key of its task poll and of its notification', () => {
		const time = '2026-03-24T21:07:10Z';
		const summary = receive('<27>Mar 24 21:07:10 pve1 pvescheduler[4021]: INFO: Backup job finished with errors\n');
		expect((summary.event as IDataObject).type).toBe('backup.job.failed');
		expect(keyOf(summary)).toBe('proxmox:backup.job.failed:pve1:-:20260324T2100');
		const upid = 'UPID:pve1:00000FB5:0A1B2C3D:67E1C8A0:vzdump::root@pam:';
		const end = receive(`<27>Mar 24 21:07:10 pve1 pvescheduler[4021]: end task ${upid} job errors\n`);
		expect(keyOf(end)).toBe(keyOf(summary));
		const polled = taskEvent({ upid, node: 'pve1', type: 'vzdump', user: 'root@pam', starttime: epoch('2026-03-24T21:00:00Z'), endtime: epoch(time), status: 'job errors' }, 'https://pve1:8006');
		expect(keyOf(polled)).toBe(keyOf(summary));
		const pushed = notificationEvent(
			{ title: 'vzdump backup status (pve1.example.com): backup failed', message: '…', severity: 'error', timestamp: epoch('2026-03-24T21:07:11Z'), fields: { type: 'vzdump', hostname: 'pve1', 'job-id': 'backup-daily' } },
			'https://pve1:8006',
		);
		expect(keyOf(pushed)).toBe(keyOf(summary));
	});

	it('unclassified lines carry no event and so no key', () => {
		const item = receive('<30>Mar 24 21:04:10 web1 nginx[12]: GET / 200\n');
		expect(item.event).toBeNull();
	});
});
