export * from './cursor';
export * from './resumable';
export * from './proxmoxNotification';
export * from './webSocketLive';
