// The operation model is shared with the Proxmox Backup Server node (nodes/shared/actions).
export * from '../../shared/actions/types';
