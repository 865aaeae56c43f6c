import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';
import { SHAPES, typeOf, type Shape } from './fixtures/shapes';

/** Field-by-field: every required field with its type, nothing outside required ∪ optional. */
function expectShape(name: keyof typeof SHAPES, value: Record<string, unknown>): void {
	const shape: Shape = SHAPES[name];
	const problems: string[] = [];
	for (const [key, type] of Object.entries(shape.required)) if (typeOf(value[key]) !== type) problems.push(`${key}: expected ${type}, got ${typeOf(value[key])}`);
	for (const key of Object.keys(value)) {
		const type = shape.required[key] ?? shape.optional?.[key];
		if (!type) problems.push(`${key}: unexpected field`);
		else if (typeOf(value[key]) !== type) problems.push(`${key}: expected ${type}, got ${typeOf(value[key])}`);
	}
	expect([name, problems]).toEqual([name, []]);
}

describe('response shapes against captured fixtures', () => {
	let sim: ProxmoxSimulator;
	const token = pveToken();
	const get = async (path: string) => (await call(sim, 'GET', path, { token })).json.data;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('cluster status, resources and nodes', async () => {
		const status = await get('/cluster/status');
		expectShape('clusterStatusCluster', status[0]);
		for (const node of status.slice(1)) expectShape('clusterStatusNode', node);
		const resources = await get('/cluster/resources');
		for (const r of resources) {
			if (r.type === 'qemu' || r.type === 'lxc') expectShape('resourceQemu', r);
			if (r.type === 'node') expectShape('resourceNode', r);
			if (r.type === 'storage') expectShape('resourceStorage', r);
		}
		for (const n of await get('/nodes')) expectShape('nodesEntry', n);
	});

	it('qemu list, status and config; lxc status', async () => {
		for (const g of await get('/nodes/pve1/qemu')) expectShape('qemuListEntry', g);
		expectShape('qemuStatusRunning', await get('/nodes/pve1/qemu/100/status/current'));
		expectShape('qemuConfig', await get('/nodes/pve1/qemu/100/config'));
		expectShape('lxcStatusRunning', await get('/nodes/pve1/lxc/200/status/current'));
	});

	it('storage content', async () => {
		for (const v of await get('/nodes/pve1/storage/local/content?content=iso')) expectShape('storageContentIso', v);
		for (const v of await get('/nodes/pve1/storage/nfs-backup/content?content=backup')) expectShape('storageContentBackup', v);
	});

	it('tasks, task status, cluster tasks and backup jobs', async () => {
		for (const t of await get('/nodes/pve1/tasks')) expectShape('nodeTaskFinished', t);
		const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/status/reset', { token });
		expectShape('taskStatusStopped', await waitTask(sim, token, r.json.data));
		sim.control.refreshStats();
		for (const t of await get('/cluster/tasks')) expectShape('clusterTaskFinished', t);
		for (const j of await get('/cluster/backup')) expectShape('backupJob', j);
	});

	it('access ticket', async () => {
		const r = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } });
		expectShape('accessTicket', r.json.data);
	});
});
