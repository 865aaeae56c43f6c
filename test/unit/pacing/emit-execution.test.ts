/** emitExecution (nodes/shared/pacing): the slot of an execution is freed when n8n settles its done promise, or after the timeout. */
import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';

import { emitExecution } from '../../../nodes/shared/pacing';

interface Deferred {
	promise: Promise<IRun>;
	resolve(run: IRun): void;
	reject(error: Error): void;
}

function context() {
	const emits: Array<{ data: unknown; done?: Deferred }> = [];
	const fake = {
		emit: (data: unknown, _response: unknown, done?: Deferred) => emits.push({ data, done }),
		helpers: {
			createDeferredPromise: () => {
				const deferred = {} as Deferred;
				deferred.promise = new Promise<IRun>((resolve, reject) => Object.assign(deferred, { resolve, reject }));
				return deferred;
			},
		},
	};
	return { emits, fake: fake as unknown as ITriggerFunctions };
}

const data = [[{ json: { n: 1 } as IDataObject }]];
const state = (promise: Promise<void>) => Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setImmediate(() => resolve('pending')))]);

describe('emitExecution', () => {
	it('without waiting emits without a done promise and returns nothing', () => {
		const { emits, fake } = context();
		expect(emitExecution(fake, data, false)).toBeUndefined();
		expect(emits).toHaveLength(1);
		expect(emits[0].done).toBeUndefined();
	});

	it('settles when n8n settles the done promise, resolved or rejected', async () => {
		const { emits, fake } = context();
		const first = emitExecution(fake, data, true)!;
		const second = emitExecution(fake, data, true)!;
		expect(await state(first)).toBe('pending');
		emits[0].done!.resolve({} as IRun);
		emits[1].done!.reject(new Error('the execution failed'));
		expect(await state(first)).toBe('settled');
		expect(await state(second)).toBe('settled');
	});

	it('frees the slot after the timeout when n8n never settles (a job end main missed)', async () => {
		jest.useFakeTimers();
		try {
			const { fake } = context();
			let freed = false;
			void emitExecution(fake, data, true, 1000)!.then(() => (freed = true));
			await jest.advanceTimersByTimeAsync(999);
			expect(freed).toBe(false);
			await jest.advanceTimersByTimeAsync(1);
			expect(freed).toBe(true);
		} finally {
			jest.useRealTimers();
		}
	});
});
