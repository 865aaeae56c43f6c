import { describeListenError } from '../../../nodes/SyslogTrigger/server';

const error = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('describeListenError', () => {
	it('explains a port in use', () => {
		expect(describeListenError(error('EADDRINUSE'), 'udp', '0.0.0.0', 5514)).toMatch(/^Cannot listen on UDP 0\.0\.0\.0:5514: the port is already in use/);
	});

	it('explains a privileged port', () => {
		expect(describeListenError(error('EACCES'), 'tcp', '0.0.0.0', 514)).toMatch(/TCP 0\.0\.0\.0:514: not permitted\. Ports below 1024 need root/);
	});

	it('explains an address that is not local', () => {
		expect(describeListenError(error('EADDRNOTAVAIL'), 'tcp', '192.0.2.1', 5514)).toMatch(/not on this machine/);
	});

	it('passes other errors through', () => {
		expect(describeListenError(error('EINVAL'), 'udp', 'h', 1)).toBe('Cannot listen on UDP h:1: listen EINVAL');
	});
});
