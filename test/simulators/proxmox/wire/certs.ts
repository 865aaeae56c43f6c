import { X509Certificate } from 'crypto';
import { generate } from 'selfsigned';

export interface CertBundle {
	caPem: string;
	certPem: string;
	keyPem: string;
	/** SHA-256 of the leaf certificate, upper-case colon form as the PVE GUI shows it. */
	fingerprint: string;
}

/** One per process and product/host: RSA key generation is the slowest part of a start. */
const cache = new Map<string, Promise<CertBundle>>();

/**
 * Like a PVE cluster: a CA "Proxmox Virtual Environment" (pve-root-ca.pem) and a node certificate
 * signed by it (pve-ssl.pem). PBS uses a self-signed proxy.pem, modelled here the same way so custom-CA
 * and fingerprint pinning are testable on both.
 */
export function certificatesFor(product: 'pve' | 'pbs', host: string, nodeName: string): Promise<CertBundle> {
	const key = `${product}|${host}|${nodeName}`;
	let bundle = cache.get(key);
	if (!bundle) {
		bundle = build(product, host, nodeName);
		cache.set(key, bundle);
	}
	return bundle;
}

async function build(product: 'pve' | 'pbs', host: string, nodeName: string): Promise<CertBundle> {
	const now = new Date();
	const tenYears = new Date(now.getTime() + 10 * 365 * 86400_000);
	const ca = await generate(
		[
			{ name: 'commonName', value: product === 'pve' ? 'Proxmox Virtual Environment' : 'Proxmox Backup Server' },
			{ shortName: 'OU', value: 'simulator' },
			{ name: 'organizationName', value: 'PVE Cluster Manager CA' },
		],
		{ keySize: 2048, algorithm: 'sha256', notBeforeDate: now, notAfterDate: tenYears, extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }] },
	);
	const twoYears = new Date(now.getTime() + 2 * 365 * 86400_000);
	const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
		{ type: 2, value: 'localhost' },
		{ type: 2, value: nodeName },
		{ type: 7, ip: '127.0.0.1' },
		{ type: 7, ip: '::1' },
	];
	if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '127.0.0.1') altNames.push({ type: 7, ip: host });
	else if (!/^[\d.:]+$/.test(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
	const leaf = await generate(
		[
			{ name: 'commonName', value: `${nodeName}.sim.local` },
			{ shortName: 'OU', value: 'PVE Cluster Node' },
			{ name: 'organizationName', value: 'Proxmox Virtual Environment' },
		],
		{
			keySize: 2048,
			algorithm: 'sha256',
			notBeforeDate: now,
			notAfterDate: twoYears,
			ca: { key: ca.private, cert: ca.cert },
			extensions: [
				{ name: 'basicConstraints', cA: false },
				{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
				{ name: 'extKeyUsage', serverAuth: true },
				{ name: 'subjectAltName', altNames },
			],
		},
	);
	const fingerprint = new X509Certificate(leaf.cert).fingerprint256.toUpperCase();
	return { caPem: ca.cert, certPem: leaf.cert, keyPem: leaf.private, fingerprint };
}
