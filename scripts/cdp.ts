/**
 * Headless Chromium driven over the Chrome DevTools Protocol with the `ws` package: no puppeteer or
 * playwright (they download their own browser). Used by `npm run screenshots`.
 * Protocol reference: https://chromedevtools.github.io/devtools-protocol/ (Target, Page, Runtime,
 * Emulation domains); `--remote-debugging-port=0` writes the chosen port and the browser's
 * WebSocket path to `<user-data-dir>/DevToolsActivePort`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import WebSocket from 'ws';

interface Pending {
	resolve(value: unknown): void;
	reject(error: Error): void;
	method: string;
}

export interface Viewport {
	width: number;
	height: number;
}

/** A protocol event; `sessionId` names the page it came from (flat mode). */
export interface CdpEvent {
	method: string;
	params: Record<string, unknown>;
	sessionId?: string;
}

/** Thrown by a probe to stop waiting at once (the condition can no longer come true). */
export class FatalError extends Error {}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60000, everyMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			if (error instanceof FatalError) throw error;
			lastError = error;
		}
		await new Promise((wake) => setTimeout(wake, everyMs));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

export class Browser {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private readonly listeners = new Set<(event: CdpEvent) => void>();

	private constructor(
		private readonly child: ChildProcess,
		private readonly socket: WebSocket,
		private readonly log: () => string,
	) {
		socket.on('message', (raw) => {
			const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
			if (message.id === undefined) {
				if (message.method) for (const listener of this.listeners) listener({ method: message.method, params: message.params ?? {}, sessionId: message.sessionId });
				return;
			}
			const pending = this.pending.get(message.id);
			if (!pending) return;
			this.pending.delete(message.id);
			if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
			else pending.resolve(message.result);
		});
		socket.on('close', () => {
			for (const pending of this.pending.values()) pending.reject(new Error(`${pending.method}: the browser closed the DevTools connection\n${this.log()}`));
			this.pending.clear();
		});
	}

	/** Starts `binary` headless with a fresh profile in `profileDir` and connects to it. */
	static async launch(binary: string, profileDir: string, viewport: Viewport): Promise<Browser> {
		let output = '';
		const args = [
			'--headless=new',
			'--remote-debugging-port=0',
			'--remote-debugging-address=127.0.0.1',
			`--user-data-dir=${profileDir}`,
			`--window-size=${viewport.width},${viewport.height}`,
			'--hide-scrollbars',
			'--no-first-run',
			'--no-default-browser-check',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-extensions',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--mute-audio',
			'--force-color-profile=srgb',
			'--lang=en-US',
			// Chromium's sandbox needs user namespaces or a setuid helper, which root in a container lacks.
			...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
			'about:blank',
		];
		const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
		child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
		const log = () => output;
		const portFile = join(profileDir, 'DevToolsActivePort');
		const [port, path] = await until(
			'Chromium to open its DevTools port',
			() => {
				if (child.exitCode !== null) throw new Error(`Chromium exited with code ${child.exitCode}:\n${output}`);
				if (!existsSync(portFile)) return undefined;
				const lines = readFileSync(portFile, 'utf8').split('\n');
				return lines.length >= 2 && lines[1] ? [lines[0].trim(), lines[1].trim()] : undefined;
			},
			60000,
			100,
		).catch((error: Error) => {
			child.kill('SIGKILL');
			throw new Error(`${error.message}\n${output}`);
		});
		const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
		await new Promise<void>((resolve, reject) => {
			socket.once('open', () => resolve());
			socket.once('error', reject);
		});
		return new Browser(child, socket, log);
	}

	send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
			this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		});
	}

	/** Calls `listener` with every protocol event (Runtime.consoleAPICalled, Log.entryAdded, ...); returns the unsubscribe. */
	onEvent(listener: (event: CdpEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** A new tab of `viewport` size, attached in flat mode (commands carry its session id). */
	async newPage(viewport: Viewport): Promise<Page> {
		const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
		const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
		const page = new Page(this, sessionId);
		this.onEvent((event) => {
			if (event.sessionId === sessionId) page.emit(event);
		});
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false });
		return page;
	}

	async close(): Promise<void> {
		await this.send('Browser.close').catch(() => undefined);
		this.socket.close();
		await until('Chromium to exit', () => this.child.exitCode !== null || this.child.signalCode !== null, 10000, 100).catch(() => this.child.kill('SIGKILL'));
	}
}

export class Page {
	private readonly listeners = new Set<(event: CdpEvent) => void>();

	constructor(
		private readonly browser: Browser,
		private readonly sessionId: string,
	) {}

	send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		return this.browser.send<T>(method, params, this.sessionId);
	}

	/** This page's protocol events (enable the domain first, e.g. Log.enable). */
	onEvent(listener: (event: CdpEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	emit(event: CdpEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	/** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
	async evaluate<T>(expression: string): Promise<T> {
		const { result, exceptionDetails } = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
		});
		if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
		return result.value as T;
	}

	/** Navigates and waits until the new document (not the old one, marked) has loaded. */
	async goto(url: string): Promise<void> {
		await this.evaluate('window.__leftBehind = true');
		const { errorText } = await this.send<{ errorText?: string }>('Page.navigate', { url });
		if (errorText) throw new Error(`navigation to ${url} failed: ${errorText}`);
		await until(`${url} to load`, () => this.evaluate<boolean>(`!window.__leftBehind && document.readyState === 'complete'`), 60000);
	}

	/** Polls a page expression until it is truthy. */
	waitFor<T>(what: string, expression: string, timeoutMs = 60000): Promise<T> {
		return until(what, () => this.evaluate<T>(expression), timeoutMs);
	}

	async screenshotPng(): Promise<Buffer> {
		const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
		return Buffer.from(data, 'base64');
	}
}
