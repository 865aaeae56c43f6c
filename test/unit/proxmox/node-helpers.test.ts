import { archiveKind } from '../../../nodes/Proxmox/actions/backup/restore.operation';
import { forecastFull } from '../../../nodes/Proxmox/actions/node/forecast';
import { multipartBody } from '../../../nodes/Proxmox/actions/storage/upload.operation';
import { splitCommand } from '../../../nodes/Proxmox/actions/vm/agentExec.operation';

describe('multipart upload body', () => {
	it('puts fields first and the file last, with the boundary from the content type', () => {
		const body = multipartBody({ content: 'iso' }, { name: 'a"b.iso', data: Buffer.from('DATA') });
		const boundary = /boundary=(.+)$/.exec(body.contentType)![1];
		const text = body.data.toString('utf8');
		expect(text.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n`)).toBe(true);
		expect(text).toContain('name="filename"; filename="a_b.iso"');
		expect(text.endsWith(`\r\n\r\nDATA\r\n--${boundary}--\r\n`)).toBe(true);
	});
});

describe('storage full forecast', () => {
	const day = 86400;
	it('extrapolates a linear growth to the total', () => {
		const points = Array.from({ length: 10 }, (_, i) => ({ time: i * day, used: 100 + i * 10, total: 300 }));
		const forecast = forecastFull(points, 9 * day)!;
		expect(forecast.growthBytesPerDay).toBe(10);
		expect(forecast.daysUntilFull).toBe(11);
		expect(forecast.fit).toBe(1);
		expect(forecast.fullAt).toBe(new Date(20 * day * 1000).toISOString());
	});

	it('gives no date when usage is flat or shrinking, and nothing without history', () => {
		expect(forecastFull([{ time: 0, used: 5, total: 10 }, { time: day, used: 4, total: 10 }], day)?.daysUntilFull).toBeNull();
		expect(forecastFull([{ time: 0, used: 5, total: 10 }], 0)).toBeUndefined();
		expect(forecastFull([{ time: 0, used: NaN, total: 10 }, { time: 1, used: NaN, total: 10 }], 1)).toBeUndefined();
	});
});

describe('backup archive kind', () => {
	it('reads the guest type from the vzdump file name', () => {
		expect(archiveKind('local:backup/vzdump-qemu-100-2025_01_01-00_00_00.vma.zst')).toBe('qemu');
		expect(archiveKind('pbs:backup/vzdump-lxc-200-2025_01_01-00_00_00.tar.zst')).toBe('lxc');
		expect(archiveKind('local:iso/x.iso')).toBeUndefined();
	});
});

describe('guest agent command line', () => {
	it('splits arguments and honours quotes', () => {
		expect(splitCommand(`sh -c "echo 'hi there'" 'a b' c\\ d`)).toEqual(['sh', '-c', "echo 'hi there'", 'a b', 'c\\', 'd']);
		expect(splitCommand('   ')).toEqual([]);
	});
});
