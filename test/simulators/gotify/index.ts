export {
	GotifySimulator,
	startGotifySimulator,
	type GotifySimulatorOptions,
	type GotifyApplication,
	type GotifyClient,
	type GotifyMessage,
	type GotifyUser,
	type GotifyVersion,
} from './server';
