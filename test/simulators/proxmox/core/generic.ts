import type { Call, WorldBase } from './world';
import { sampleFromSchema } from '../schema/sample';

/**
 * Answer for endpoints with no state model: data shaped by the schema's `returns`. Writes on a node
 * that return a plain string are worker calls on the real server, so they start a task and return its UPID.
 */
export function genericAnswer(call: Call<WorldBase>): unknown {
	const route = call.world.routes.find(call.method, call.template);
	const returns = route?.info.returns;
	const node = typeof call.params.node === 'string' ? call.params.node : undefined;
	const worker = call.method !== 'GET' && returns?.type === 'string' && !returns.enum && !returns.format && route?.info.proxyto === 'node';
	if (worker && node) {
		const type = route?.info.name ?? 'generic';
		const task = call.world.tasks.start({
			node,
			type,
			id: String(call.params.vmid ?? call.params.storage ?? call.params.store ?? ''),
			authId: call.identity.authId,
			run: async (ctx) => {
				ctx.log(`starting ${type}`);
				await ctx.sleep(500);
			},
		});
		return task.upid;
	}
	return sampleFromSchema(returns, 0, call.world.product);
}
