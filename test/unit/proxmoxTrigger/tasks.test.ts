import { correlationKey } from '../../../nodes/shared/events';
import { guiLink } from '../../../nodes/ProxmoxTrigger/common';
import { fromPbsTask, pbsListSince, pbsTaskStore, selectNewTasks, taskEvent, taskEventType, TASK_WINDOW_SECONDS, type ClusterTask } from '../../../nodes/ProxmoxPollTrigger/tasks';

const task = (node: string, start: number, end: number | undefined, type = 'qmstart', id = '100', status = 'OK'): ClusterTask => {
	const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
	const upid = `UPID:${node}:${hex(start)}:${hex(start)}:${hex(start)}:${type}:${id}:root@pam:`;
	return end === undefined ? { upid, node, type, id, user: 'root@pam', starttime: start } : { upid, node, type, id, user: 'root@pam', starttime: start, endtime: end, status };
};

describe('task cursor', () => {
	const now = 1_800_000_000;

	it('seeds from the list on first activation without reporting it', () => {
		const { fresh, cursor } = selectNewTasks([task('pve1', now - 100, now - 50), task('pve2', now - 10, undefined)], undefined, { nowSeconds: now, includeSeconds: 0 });
		expect(fresh).toEqual([]);
		expect(cursor.high).toBe(now - 50);
	});

	it('reports a task ending in the same second as one already seen (end time alone is not a cursor)', () => {
		const a = task('pve1', now - 20, now);
		const b = task('pve2', now - 30, now);
		const first = selectNewTasks([a], undefined, { nowSeconds: now, includeSeconds: 0 });
		const second = selectNewTasks([a, b], first.cursor, { nowSeconds: now + 10, includeSeconds: 0 });
		expect(second.fresh.map((t) => t.upid)).toEqual([b.upid]);
	});

	it('reports a node\'s task that reaches the cache after later tasks of other nodes (pvestatd lag)', () => {
		const later = task('pve1', now - 5, now);
		const lagging = task('pve3', now - 200, now - 120);
		const first = selectNewTasks([], undefined, { nowSeconds: now - 300, includeSeconds: 0 });
		const second = selectNewTasks([later], first.cursor, { nowSeconds: now, includeSeconds: 0 });
		const third = selectNewTasks([later, lagging], second.cursor, { nowSeconds: now + 10, includeSeconds: 0 });
		expect(second.fresh.map((t) => t.upid)).toEqual([later.upid]);
		expect(third.fresh.map((t) => t.upid)).toEqual([lagging.upid]);
	});

	it('forgets UPIDs older than the window, and never reports tasks older than it', () => {
		const old = task('pve1', now - TASK_WINDOW_SECONDS - 100, now - TASK_WINDOW_SECONDS - 50);
		const recent = task('pve1', now - 10, now);
		const first = selectNewTasks([recent], undefined, { nowSeconds: now, includeSeconds: 0 });
		const second = selectNewTasks([recent, old], first.cursor, { nowSeconds: now, includeSeconds: 0 });
		expect(second.fresh).toEqual([]);
		expect(Object.keys(second.cursor.seen)).toEqual([recent.upid]);
	});
});

describe('task events', () => {
	it('uses the Syslog Trigger\'s vocabulary, with backup jobs and failures named', () => {
		expect(taskEventType('qmstart', true)).toBe('guest.start');
		expect(taskEventType('vzshutdown', true)).toBe('guest.shutdown');
		expect(taskEventType('qmigrate', true)).toBe('guest.migrate');
		expect(taskEventType('vzdump', true)).toBe('backup.job.finish');
		expect(taskEventType('vzdump', false)).toBe('backup.job.failed');
		expect(taskEventType('qmstart', false)).toBe('task.failed');
		expect(taskEventType('aptupdate', true)).toBe('task.end');
	});

	it('accepts both vzdump shapes: one task per guest (id = VMID) and one per node and night (empty id)', () => {
		const perGuest = taskEvent(task('pve1', 1000, 1100, 'vzdump', '100', 'job errors') as never, 'https://pve:8006').event as Record<string, unknown>;
		const perNode = taskEvent(task('pve1', 1000, 1100, 'vzdump', '', 'job errors') as never, 'https://pve:8006').event as Record<string, unknown>;
		expect(perGuest).toMatchObject({ type: 'backup.job.failed', vmid: 100, taskId: '100' });
		expect(perNode).toMatchObject({ type: 'backup.job.failed', taskId: null });
		expect(perNode.vmid).toBeUndefined();
		// The job-level key ignores the VMID and the UPID: a notification about the same run gets the same key.
		expect(perGuest.key).toBe(perNode.key);
		expect(perNode.key).toBe(correlationKey({ type: 'backup.job.failed', node: 'pve1' }, 1100 + 30));
	});

	it('deep links use the GUI state hash (view, resource id, Tasks tab)', () => {
		expect(guiLink('https://pve:8006', 'qemu/100')).toBe('https://pve:8006/#v1:0:=qemu%2F100:4');
		expect(guiLink('https://[fe80::1]:8006', 'storage/pve1/local')).toBe('https://[fe80::1]:8006/#v1:0:=storage%2Fpve1%2Flocal:4');
	});
});

describe('push registration names', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { registrationNames, matcherRules, manualCommands } = require('../../../nodes/shared/proxmox/notificationWebhook') as typeof import('../../../nodes/shared/proxmox/notificationWebhook');

	it('identify the workflow, keep production and the editor\'s test URL apart, and are stable', () => {
		const production = registrationNames('aBc123XyZ', 'node-1', 'https://n8n.example/webhook/abc/webhook');
		const test = registrationNames('aBc123XyZ', 'node-1', 'https://n8n.example/webhook-test/abc/webhook');
		expect(production.endpoint).toMatch(/^n8n-aBc123XyZ-[0-9a-f]{8}$/);
		expect(production.matcher).toBe(`${production.endpoint}-m`);
		expect(test.endpoint).not.toBe(production.endpoint);
		expect(registrationNames('aBc123XyZ', 'node-1', 'https://n8n.example/webhook/abc/webhook')).toEqual(production);
		expect(registrationNames('aBc123XyZ', 'node-2', 'https://n8n.example/webhook/abc/webhook').endpoint).not.toBe(production.endpoint);
	});

	it('rejects what Proxmox would reject, naming the field', () => {
		expect(() => matcherRules({ severities: ['fatal'], types: [], fields: [] })).toThrow(/not a Proxmox severity/);
		expect(() => matcherRules({ severities: [], types: [], fields: [{ mode: 'exact', field: 'host name', value: 'x' }] })).toThrow(/not a field name/);
		expect(() => matcherRules({ severities: [], types: [], fields: [{ mode: 'exact', field: 'hostname', value: ' ' }] })).toThrow(/value is empty/);
	});

	it('quotes the URL and rules for the shell in the pvesh commands', () => {
		const text = manualCommands({ endpoint: 'n8n-x', matcher: 'n8n-x-m' }, "https://h/webhook/a'b", { severities: ['error'], types: [], fields: [{ mode: 'regex', field: 'hostname', value: '^pve.*$' }] });
		expect(text).toContain("--url 'https://h/webhook/a'\\''b'");
		expect(text).toContain("--match-severity 'error' --match-field 'regex:hostname=^pve.*$'");
		expect(text).toContain('$(printf %s "$N8N_SECRET" | base64 -w0)');
	});
});

describe('PBS tasks', () => {
	const now = 1_800_000_000;

	it('names PBS jobs as PBS notifications do, and a received backup as the per-guest backup event', () => {
		expect(taskEventType('garbage_collection', false, 'pbs')).toBe('gc.failed');
		expect(taskEventType('verificationjob', false, 'pbs')).toBe('verify.failed');
		expect(taskEventType('verify_snapshot', true, 'pbs')).toBe('verify.finish');
		expect(taskEventType('prunejob', false, 'pbs')).toBe('prune.failed');
		expect(taskEventType('syncjob', false, 'pbs')).toBe('sync.failed');
		expect(taskEventType('backup', false, 'pbs')).toBe('backup.guest.failed');
		expect(taskEventType('reader', false, 'pbs')).toBe('task.failed');
		// PVE names are not PBS names: qmstart on PBS is just a task.
		expect(taskEventType('qmstart', true, 'pbs')).toBe('task.end');
	});

	it('reads the datastore from the worker ID', () => {
		expect(pbsTaskStore('garbage_collection', 'backup')).toBe('backup');
		expect(pbsTaskStore('verificationjob', 'backup:v-weekly')).toBe('backup');
		expect(pbsTaskStore('backup', 'backup:ns1/vm/100')).toBe('backup');
		expect(pbsTaskStore('syncjob', 'offsite:backup:local::pull-offsite')).toBe('local');
		expect(pbsTaskStore('diskinit', 'sdb')).toBeUndefined();
	});

	it('reads a PBS task list entry into the PVE shape, with the guest of a backup', () => {
		const upid = 'UPID:pbs:000003E8:00000064:00000000:6B4A1B00:backup:backup\\x3avm-100:root@pam!sim:';
		const entry = fromPbsTask({ upid, node: 'pbs', worker_type: 'backup', worker_id: 'backup:vm/100', user: 'root@pam!sim', starttime: now - 60, endtime: now, status: 'unexpected EOF' });
		expect(entry).toEqual({ upid, node: 'pbs', type: 'backup', id: 'backup:vm/100', user: 'root@pam!sim', starttime: now - 60, endtime: now, status: 'unexpected EOF' });
		const event = taskEvent(entry as ClusterTask & { endtime: number; status: string }, 'https://pbs:8007', undefined, 'pbs').event as Record<string, unknown>;
		expect(event).toMatchObject({ type: 'backup.guest.failed', storage: 'backup', vmid: 100, guestType: 'qemu', key: `proxmox:task:${upid}` });
	});

	it('asks PBS for tasks since below the window and below the oldest running task', () => {
		expect(pbsListSince(undefined, now, 0)).toBe(now - 7 * 86400);
		expect(pbsListSince({ high: now, seen: {} }, now, 0)).toBe(now - TASK_WINDOW_SECONDS);
		expect(pbsListSince({ high: now, seen: {}, running: now - 5 * 3600 }, now, 0)).toBe(now - 5 * 3600);
		const running = selectNewTasks([task('pbs', now - 9000, undefined, 'garbage_collection', 'backup'), task('pbs', now - 100, now - 50)], { high: now - 200, seen: {} }, { nowSeconds: now, includeSeconds: 0 });
		expect(running.cursor.running).toBe(now - 9000);
	});
});
