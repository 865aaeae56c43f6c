/**
 * Where a stream trigger remembers its place: in the workflow's static data (n8n saves it with
 * the workflow of an active trigger), so a restart resumes where the last run stopped.
 */
import type { IDataObject } from 'n8n-workflow';

export interface StreamCursor {
	/** Id of the last message delivered. */
	lastId?: string;
	/** Ids delivered most recently, so a replay overlapping them is not emitted twice. */
	recentIds?: string[];
	/** Unix seconds of the first activation (resume point before any message arrived). */
	startedAt?: number;
	/** Newest message time seen (source's clock), for sources whose ids carry no order. */
	lastTime?: number;
}

const RECENT_LIMIT = 100;

export class CursorStore {
	constructor(private readonly data: IDataObject) {}

	read(): StreamCursor {
		return {
			lastId: typeof this.data.lastId === 'string' ? this.data.lastId : undefined,
			recentIds: Array.isArray(this.data.recentIds) ? (this.data.recentIds as string[]) : undefined,
			startedAt: typeof this.data.startedAt === 'number' ? this.data.startedAt : undefined,
			lastTime: typeof this.data.lastTime === 'number' ? this.data.lastTime : undefined,
		};
	}

	write(cursor: StreamCursor): void {
		if (cursor.lastId !== undefined) this.data.lastId = cursor.lastId;
		if (cursor.recentIds !== undefined) this.data.recentIds = cursor.recentIds;
		if (cursor.startedAt !== undefined) this.data.startedAt = cursor.startedAt;
		if (cursor.lastTime !== undefined) this.data.lastTime = cursor.lastTime;
	}

	/** Moves the cursor past `id`. Assigning whole values marks n8n's static data as changed. */
	remember(id: string, time?: number): void {
		const cursor = this.read();
		this.data.lastId = id;
		this.data.recentIds = [...(cursor.recentIds ?? []), id].slice(-RECENT_LIMIT);
		if (time !== undefined && (cursor.lastTime === undefined || time > cursor.lastTime)) this.data.lastTime = time;
	}
}
