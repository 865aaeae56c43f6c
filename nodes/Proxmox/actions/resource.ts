// The resource/field builder is shared with the Proxmox Backup Server node (nodes/shared/actions).
export { resourceProperties } from '../../shared/actions/resource';
