/** `npm start`'s model credential choice and the "try this" text for the AI workflows. */
import { modelCredential, PUBLISHED_WORKFLOWS, tryThis } from '../../../scripts/start';

const simulated = { name: 'OpenAI (simulator)', type: 'openAiApi', data: { apiKey: 'sk-sim', url: 'http://127.0.0.1:8072/v1' } };

describe('npm start: the model the incident agent uses', () => {
	it('is the OpenAI simulator unless OPENAI_API_KEY or OPENAI_BASE_URL is set', () => {
		expect(modelCredential({}, simulated)).toBe(simulated);
	});

	it('is OpenAI with OPENAI_API_KEY alone', () => {
		expect(modelCredential({ OPENAI_API_KEY: 'sk-real' }, simulated)).toEqual({
			name: 'OpenAI (from OPENAI_API_KEY / OPENAI_BASE_URL)',
			type: 'openAiApi',
			data: { apiKey: 'sk-real', url: 'https://api.openai.com/v1' },
		});
	});

	it('is any OpenAI-compatible server with OPENAI_BASE_URL (Ollama needs no key; trailing slash dropped)', () => {
		expect(modelCredential({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/' }, simulated)?.data).toEqual({ apiKey: 'not-needed', url: 'http://127.0.0.1:11434/v1' });
	});

	it('publishes both AI workflows and the event log (the agent\'s memory) and says how to reach them', () => {
		expect(PUBLISHED_WORKFLOWS).toEqual(['Proxmox MCP Server', 'Proxmox Incident Agent', 'Proxmox Event Log']);
		const text = tryThis(5678, { pve: { url: 'https://127.0.0.1:8006' }, gotify: { url: 'http://127.0.0.1:8070' }, ntfy: { url: 'http://127.0.0.1:8071' } });
		expect(text).toContain('http://127.0.0.1:5678/mcp/proxmox');
		expect(text).toContain("control failNextBackup '[100, \"No space left on device\"]'");
		expect(text).toContain('http://127.0.0.1:8071/proxmox-incidents');
		expect(text).toContain('Discord and e-mail');
		expect(text).toContain('Data Table "proxmox_events"');
	});
});
