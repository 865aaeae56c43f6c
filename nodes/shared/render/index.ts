/**
 * One rendering of the common event (`nodes/shared/events.ts`) and its optional AI analysis for
 * every notifier ("Send Event" on Gotify, ntfy, Discord and Email):
 * - text.ts: escaping per format and Unicode-safe truncation / splitting.
 * - model.ts: the EventView read from an item (facts, message, task log, analysis, deep link).
 * - channels.ts: Markdown (Gotify, ntfy), Discord embed, e-mail HTML + text.
 * - properties.ts: the Send Event parameters every notifier shows, and reading them.
 */
export * from './text';
export * from './model';
export * from './channels';
export * from './properties';
