/**
 * The one HTTP/TLS module of the package. Every node and credential that talks HTTP(S) or
 * WebSocket goes through here:
 * - tls.ts: credential fields (tlsCredentialProperties), readTlsSettings, fingerprint pinning.
 * - http.ts: pooled undici requests (getPool + httpRequest) and streams (httpStream).
 * - websocket.ts: openWebSocket with the same TLS rules.
 * - errors.ts: TransportError (with requestMayHaveReachedServer for safe failover).
 * - redact.ts: Redactor, to keep secrets out of errors and output.
 * - lines.ts: LineSplitter, for newline-delimited streams (ntfy JSON stream).
 * - backoff.ts: reconnect delays with jitter, for long-lived streams.
 */
export * from './tls';
export * from './errors';
export * from './redact';
export * from './http';
export * from './websocket';
export * from './lines';
export * from './backoff';
export * from './retryAfter';
