import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import {
	apiErrorFromResponse,
	asSentence,
	applyBooleanShape,
	encodeParams,
	exitStatusIsSuccess,
	maskSecretFields,
	normaliseBooleans,
	parseHosts,
	parseMissingPermission,
	parseUpid,
	PathTemplateIndex,
	ProxmoxApiError,
	ProxmoxTaskError,
	readProxmoxConfig,
	shouldFailOver,
	ticketState,
	TICKET_LIFETIME_MS,
	toNodeError,
} from '../../../nodes/shared/proxmox';
import { Redactor, TransportError } from '../../../nodes/shared/transport';

const node: INode = { id: '1', name: 'Proxmox', type: 'n8n-nodes-proxmox-mcp.proxmox', typeVersion: 1, position: [0, 0], parameters: {} };

function fakeResponse(status: number, statusText: string, body: string) {
	return {
		status,
		statusText,
		text: () => body,
		json: <T>() => {
			try {
				return JSON.parse(body) as T;
			} catch {
				return undefined;
			}
		},
	};
}

describe('UPID parsing', () => {
	it('parses PVE UPIDs, including empty ids and token users', () => {
		expect(parseUpid('UPID:pve:00061CB3:010BA69C:64EFECB0:qmcreate:101:root@pam:')).toMatchObject({
			product: 'pve',
			node: 'pve',
			pid: 0x61cb3,
			startTime: 0x64efecb0,
			type: 'qmcreate',
			id: '101',
			user: 'root@pam',
		});
		expect(parseUpid('UPID:helldorado:0006C7D9:0029F72D:68A60E01:vzrestore:104:cicd@pam!cicd_ansible:')?.user).toBe('cicd@pam!cicd_ansible');
		expect(parseUpid('UPID:pve1:00001234:00ABCDEF:68A60E01:imgcopy::root@pam:')?.id).toBe('');
	});

	it('parses PBS UPIDs (extra task id field)', () => {
		const upid = parseUpid('UPID:pbs:000003E8:0000A1B2:00000001:68A60E01:verificationjob:store1\\x2dv:root@pam:');
		expect(upid).toMatchObject({ product: 'pbs', node: 'pbs', taskId: 1, type: 'verificationjob' });
	});

	it('rejects malformed values', () => {
		expect(parseUpid('UPID:pve:1:2:3:x:y:z:')).toBeUndefined();
		expect(parseUpid('UPID:pve:00061CB3:010BA69C:64EFECB0:qmcreate:101:root@pam')).toBeUndefined(); // no trailing colon
		expect(parseUpid(42)).toBeUndefined();
	});

	it('classifies exit statuses as Proxmox does', () => {
		expect(exitStatusIsSuccess('OK')).toBe(true);
		expect(exitStatusIsSuccess('WARNINGS: 2')).toBe(true);
		expect(exitStatusIsSuccess('command failed')).toBe(false);
		expect(exitStatusIsSuccess('unexpected status')).toBe(false);
		expect(exitStatusIsSuccess(undefined)).toBe(false);
	});
});

describe('credential reading', () => {
	it('parses host lists with ports, schemes and IPv6', () => {
		expect(parseHosts('pve1, pve2:8443 https://10.0.0.3:8006/ [fe80::1]:9000', 8006).map((e) => e.origin)).toEqual([
			'https://pve1:8006',
			'https://pve2:8443',
			'https://10.0.0.3:8006',
			'https://[fe80::1]:9000',
		]);
		expect(() => parseHosts(' , ', 8006)).toThrow(/at least one/);
		expect(() => parseHosts('pve1:99999', 8006)).toThrow(/invalid port/);
	});

	it('validates token IDs and adds the realm to user names', () => {
		expect(() => readProxmoxConfig({ hosts: 'a', authMethod: 'token', tokenId: 'root!x', tokenSecret: 's' })).toThrow(/user@realm!tokenname/);
		const config = readProxmoxConfig({ hosts: 'a', authMethod: 'password', username: 'n8n', realm: 'pve', password: 'pw' });
		expect(config.auth).toEqual({ method: 'password', username: 'n8n@pve', password: 'pw' });
		expect(readProxmoxConfig({ hosts: 'a', authMethod: 'password', username: 'x@ldap', realm: 'pve', password: 'pw' }).auth).toMatchObject({ username: 'x@ldap' });
	});
});

describe('failover decision', () => {
	const refused = new TransportError('refused', 'connection', false, 'ECONNREFUSED');
	const timeout = new TransportError('timeout', 'timeout', true, 'UND_ERR_HEADERS_TIMEOUT');
	const tls = new TransportError('pin', 'tls', false, 'TLS_FINGERPRINT_MISMATCH');

	it('moves on when nothing reached the server, for any method', () => {
		expect(shouldFailOver('POST', { error: refused })).toBe(true);
		expect(shouldFailOver('GET', { error: refused })).toBe(true);
	});

	it('repeats only reads after a timeout, reset or 595/596', () => {
		expect(shouldFailOver('GET', { error: timeout })).toBe(true);
		expect(shouldFailOver('POST', { error: timeout })).toBe(false);
		expect(shouldFailOver('DELETE', { error: timeout })).toBe(false);
		expect(shouldFailOver('GET', { status: 596 })).toBe(true);
		expect(shouldFailOver('PUT', { status: 595 })).toBe(false);
		expect(shouldFailOver('GET', { status: 500 })).toBe(false);
	});

	it('never hides a TLS failure behind another host', () => {
		expect(shouldFailOver('GET', { error: tls })).toBe(false);
	});
});

describe('boolean normalisation', () => {
	it('converts only fields the schema declares boolean', () => {
		const data = [
			{ type: 'cluster', name: 'c', quorate: 1, version: 1, nodes: 3 },
			{ type: 'node', name: 'pve1', online: 0, local: 1, nodeid: 1 },
		];
		expect(normaliseBooleans('GET', '/cluster/status', data)).toEqual([
			{ type: 'cluster', name: 'c', quorate: true, version: 1, nodes: 3 },
			{ type: 'node', name: 'pve1', online: false, local: true, nodeid: 1 },
		]);
	});

	it('matches concrete paths to templates and leaves unknown paths alone', () => {
		const out = normaliseBooleans('GET', '/nodes/pve1/storage', [{ storage: 'local', active: 1, enabled: 1, shared: 0, total: 1 }]);
		expect(out).toEqual([{ storage: 'local', active: true, enabled: true, shared: false, total: 1 }]);
		expect(normaliseBooleans('GET', '/no/such/path', { a: 1 })).toEqual({ a: 1 });
		expect(applyBooleanShape({ a: 2 }, { a: 1 })).toEqual({ a: 2 });
	});

	it('prefers literal path segments over variables', () => {
		const index = new PathTemplateIndex(['/nodes/{node}/qemu/{vmid}', '/nodes/{node}/qemu/{vmid}/status', '/nodes/{node}/tasks']);
		expect(index.match('/nodes/pve1/tasks')?.template).toBe('/nodes/{node}/tasks');
		expect(index.match('/nodes/pve1/qemu/100')).toEqual({ template: '/nodes/{node}/qemu/{vmid}', variables: { node: 'pve1', vmid: '100' } });
	});
});

describe('parameter encoding', () => {
	it('drops empty values, sends booleans as 1/0 and repeats arrays', () => {
		expect(encodeParams({ a: '', b: undefined, c: true, d: false, e: [1, 2], f: 'x y' })).toBe('c=1&d=0&e=1&e=2&f=x+y');
	});
});

describe('error mapping', () => {
	const redactor = new Redactor(['s3cr3t-secret']);

	it('keeps Proxmox message, per-parameter errors and HTTP code', () => {
		const error = apiErrorFromResponse(
			fakeResponse(400, 'Parameter verification failed.', '{"data":null,"message":"Parameter verification failed.\\n","errors":{"vmid":"invalid format"}}'),
			{ method: 'POST', path: '/nodes/pve1/qemu', host: 'pve1' },
			redactor,
		);
		const nodeError = toNodeError(node, error, 3) as NodeApiError;
		expect(nodeError).toBeInstanceOf(NodeApiError);
		expect(nodeError.message).toBe('Parameter verification failed: vmid: invalid format');
		expect(nodeError.httpCode).toBe('400');
		expect(nodeError.description).toContain('vmid: invalid format');
		expect(nodeError.context.itemIndex).toBe(3);
	});

	it('uses the reason phrase when the body is empty (auth layer)', () => {
		const error = apiErrorFromResponse(fakeResponse(401, 'permission denied - invalid PVE ticket', ''), { method: 'GET', path: '/version', host: 'h' }, redactor);
		expect(error.message).toBe('permission denied - invalid PVE ticket');
	});

	it('names the missing privilege and path on 403 with a hint', () => {
		expect(parseMissingPermission('Permission check failed (/vms/100, VM.PowerMgmt)')).toEqual({ path: '/vms/100', privileges: ['VM.PowerMgmt'] });
		expect(parseMissingPermission('Permission check failed (user != root@pam)')).toEqual({ requirement: 'user != root@pam' });
		const error = new ProxmoxApiError('Permission check failed (/vms/100, VM.PowerMgmt)', 403, 'POST', '/nodes/pve1/qemu/100/status/start', 'pve1');
		const nodeError = toNodeError(node, error) as NodeApiError;
		expect(nodeError.httpCode).toBe('403');
		expect(nodeError.description).toContain('lacks VM.PowerMgmt on /vms/100');
		expect(nodeError.description).toContain('pveum acl modify /vms/100');
	});

	it('redacts secrets in messages', () => {
		const error = apiErrorFromResponse(fakeResponse(500, 'boom s3cr3t-secret', ''), { method: 'GET', path: '/x', host: 'h' }, redactor);
		expect(error.message).toBe('boom ***');
	});

	it('shows the presented fingerprint for TLS mismatches below a short headline', () => {
		const error = new TransportError('pin mismatch', 'tls', false, 'TLS_FINGERPRINT_MISMATCH', 'AA:BB', 'pve1:8006');
		const nodeError = toNodeError(node, error) as NodeApiError;
		expect(nodeError.message).toBe('Certificate of pve1:8006 does not match the pinned fingerprint');
		expect(nodeError.description).toContain('AA:BB');
		expect(nodeError.description).toContain('System > Certificates');
	});

	it('never lets n8n swap a transport failure for its stock text', () => {
		const reset = new TransportError('Connection to pve1:8006 failed: read ECONNRESET (ECONNRESET)', 'reset', true, 'ECONNRESET', undefined, 'pve1:8006');
		const nodeError = toNodeError(node, reset) as NodeApiError;
		expect(nodeError.message).toBe('Connection to pve1:8006 broke');
		expect(nodeError.description).toContain('ECONNRESET');
		const refused = new TransportError('Cannot connect to pve1:8006: connection refused (ECONNREFUSED)', 'connection', false, 'ECONNREFUSED', undefined, 'pve1:8006');
		expect(toNodeError(node, refused).message).toBe('Cannot connect to pve1:8006');
	});

	it('ends messages with a single punctuation mark', () => {
		expect(asSentence('invalid token value!')).toBe('invalid token value!');
		expect(asSentence('authentication failure')).toBe('authentication failure.');
		expect(asSentence('Parameter verification failed.\n')).toBe('Parameter verification failed.');
	});

	it('turns failed tasks into operation errors with the log tail', () => {
		const error = new ProxmoxTaskError('Task vzdump 100 failed: job errors', {
			upid: 'UPID:pve1:00000001:00000001:68A60E01:vzdump:100:root@pam:',
			node: 'pve1',
			type: 'vzdump',
			id: '100',
			status: 'stopped',
			exitStatus: 'job errors',
			success: false,
			durationSeconds: 3,
			logTail: ['ERROR: disk full'],
		}, 'failed');
		const nodeError = toNodeError(node, error, 0);
		expect(nodeError).toBeInstanceOf(NodeOperationError);
		expect(nodeError.description).toContain('ERROR: disk full');
	});
});

describe('ticket lifetime', () => {
	it('renews in the last 30 minutes and expires after 2 h', () => {
		const ticket = { username: 'u', ticket: 't', csrfToken: 'c', obtainedAt: 0 };
		expect(ticketState(ticket, 60 * 60 * 1000)).toBe('fresh');
		expect(ticketState(ticket, 95 * 60 * 1000)).toBe('renew');
		expect(ticketState(ticket, TICKET_LIFETIME_MS)).toBe('expired');
	});
});

describe('dry-run bodies', () => {
	it('mask secret-looking fields but keep the rest exact', () => {
		expect(maskSecretFields('vmid=300&password=hunter22&hostname=ct&ssh-public-keys=abc')).toBe('vmid=300&password=***&hostname=ct&ssh-public-keys=abc');
		expect(maskSecretFields('name=g&token=t0k3n&server=https%3A%2F%2Fg')).toBe('name=g&token=***&server=https%3A%2F%2Fg');
	});
});
