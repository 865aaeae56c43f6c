/** An error the API answers with: status, reason phrase (the message) and optional per-parameter errors. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly errors?: Record<string, string>,
	) {
		super(message);
	}
}

/** Handler result carrying extra top-level attributes beside `data` (e.g. `total`). */
export class Reply {
	constructor(
		readonly data: unknown,
		readonly attrs: Record<string, unknown> = {},
	) {}
}

export const badRequest = (message: string) => new ApiError(400, message);
export const internal = (message: string) => new ApiError(500, message);
