export { NtfySimulator, startNtfySimulator, type NtfySimulatorOptions, type NtfyUser, type NtfyPermission, type NtfyMessage } from './server';
