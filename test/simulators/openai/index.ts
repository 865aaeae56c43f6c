/** OpenAI-compatible API simulator for tests, the demo and benchmarks (dev only, never packaged). */
export {
	OpenAiSimulator,
	startOpenAiSimulator,
	chatConversation,
	responsesConversation,
	DEFAULT_OPENAI_SIM_KEY,
	DEFAULT_MODELS,
	type Conversation,
	type OpenAiSimulatorOptions,
	type RecordedRequest,
	type Reply,
	type Script,
	type ToolSpec,
	type Turn,
} from './server';
export { analyse, callToolScript, eventFacts, triageScript, FORMAT_TOOL, type Analysis, type RecommendedAction, type TriageOptions } from './scripts';
