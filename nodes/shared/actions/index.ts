/**
 * What the Proxmox action nodes (Proxmox VE, Proxmox Backup Server) share: the operation model,
 * the resource/field builder, the router with AI guard and dry run, result helpers and the
 * schema-checked API Call.
 */
export * from './types';
export * from './resource';
export * from './router';
export * from './results';
export * from './catalogue';
export * from './apiCall';
export * from './connect';
