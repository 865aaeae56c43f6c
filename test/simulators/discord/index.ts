export { DiscordSimulator, startDiscordSimulator, type ChannelType, type DiscordSimulatorOptions, type RecordedRequest, type SimMessage, type SimWebhook } from './server';
