export { Dispatcher, type DispatcherHooks, type DispatcherOptions } from './dispatcher';
export { EXECUTION_SLOT_TIMEOUT_MS, emitExecution } from './emit';
export { RankedQueue } from './rankedQueue';
export { RateLimiter } from './rateLimit';
export { DEFAULT_MAX_CONCURRENT_EXECUTIONS, DEFAULT_QUEUE_SIZE, readStreamPacing, streamPacingOptions, type StreamPacing } from './options';
