/**
 * The one Proxmox client of the package, for every Proxmox node, trigger and credential test
 * (Proxmox VE and Proxmox Backup Server). Built on nodes/shared/transport.
 */
export * from './config';
export * from './client';
export * from './encode';
export * from './errors';
export * from './failover';
export * from './booleans';
export * from './paths';
export * from './tasks';
export * from './tickets';
export * from './upid';
export * from './connection-test';
export * from './validate';
export * from './pbs-privileges';
