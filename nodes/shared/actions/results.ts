import type { IDataObject } from 'n8n-workflow';

import { isUpid } from '../proxmox';
import { param, type OperationContext, type OperationResult } from './types';

/** A write's answer: a UPID becomes a task the router can wait for; anything else is returned. */
export function taskOrResult(data: unknown, extra: IDataObject = {}): OperationResult {
	if (isUpid(data)) return { ...extra, upid: data };
	if (data && typeof data === 'object' && !Array.isArray(data)) return { ...extra, ...(data as IDataObject) };
	return { ...extra, result: data as IDataObject[keyof IDataObject] };
}

/** Arrays become items; `returnAll`/`limit` cap them. */
export function limitItems<T>(ctx: OperationContext, list: T[]): T[] {
	const returnAll = param<boolean>(ctx, 'returnAll', false);
	if (returnAll) return list;
	const limit = param<number>(ctx, 'limit', 50);
	return list.slice(0, Math.max(1, limit));
}

export function asItems(data: unknown): IDataObject[] {
	if (Array.isArray(data)) return data.map((entry) => (entry && typeof entry === 'object' ? (entry as IDataObject) : { value: entry as string }));
	if (data && typeof data === 'object') return [data as IDataObject];
	return [{ result: (data ?? null) as IDataObject[keyof IDataObject] }];
}
