/**
 * Scripted models for the OpenAI simulator: deterministic answers keyed on the conversation.
 *
 * `triageScript` plays the incident agent's model (workflows/proxmox-incident-agent.json): it reads
 * the event from the user message, gathers evidence with the read-only tools it was given (a task's
 * log when the event names a UPID, a guest's status when it names a VMID), asks the event log whether
 * this happened before (a tool with a `type` parameter: the workflow's Data Table tool), then answers through the
 * Structured Output Parser's `format_final_json_response` tool (n8n-ai.md §A), or as JSON text when
 * no parser is connected.
 */
import type { Conversation, Reply, Script, ToolSpec } from './server';

export const FORMAT_TOOL = 'format_final_json_response';

export interface RecommendedAction {
	resource: string;
	operation: string;
	parameters: Record<string, unknown>;
	reason: string;
}

export interface Analysis {
	severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
	summary: string;
	probableCause: string;
	evidence: string[];
	recommendedActions: RecommendedAction[];
	needsHuman: boolean;
}

export interface TriageOptions {
	/** Replaces the recommended actions the script would propose. */
	recommendedActions?: RecommendedAction[];
	severity?: Analysis['severity'];
}

const UPID = /UPID:[A-Za-z0-9._-]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[A-Za-z0-9_-]*:[^:\s"']*:[^:\s"']+:/;

function propertiesOf(tool: ToolSpec): Record<string, unknown> {
	return ((tool.parameters as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;
}

function findTool(conversation: Conversation, wants: string[], nameHint: RegExp): ToolSpec | undefined {
	return conversation.tools.find((tool) => tool.name !== FORMAT_TOOL && nameHint.test(`${tool.name} ${tool.description}`) && wants.every((key) => key in propertiesOf(tool)));
}

function called(conversation: Conversation, name: string): boolean {
	return conversation.messages.some((turn) => turn.toolCalls?.some((call) => call.name === name));
}

/** Facts the script reads from the event text (the agent's prompt carries the event as JSON). */
export function eventFacts(text: string): { upid?: string; vmid?: number; node?: string; type?: string; backup: boolean; guestDown: boolean } {
	const upid = UPID.exec(text)?.[0];
	const vmidText = /"vmid"\s*:\s*"?(\d{3,9})/.exec(text)?.[1] ?? /\b(?:VM|CT|guest|vzdump)\s*(\d{3,9})\b/i.exec(text)?.[1] ?? (upid ? /:(?:vzdump|qm\w*|vz\w*):(\d{3,9}):/.exec(upid)?.[1] : undefined);
	const node = /"(?:node|host)"\s*:\s*"([a-zA-Z0-9][a-zA-Z0-9.-]*)"/.exec(text)?.[1] ?? (upid ? upid.split(':')[1] : undefined);
	return {
		upid,
		vmid: vmidText ? Number(vmidText) : undefined,
		node,
		type: /"type"\s*:\s*"([a-z][\w.-]*)"/.exec(text)?.[1],
		backup: /backup|vzdump/i.test(text),
		guestDown: /stopped|crash|unresponsive|not running|guest\.stop/i.test(text),
	};
}

function firstErrorLine(results: Conversation['toolResults']): string | undefined {
	// Tool results are JSON text: the newest (a task log, read last) says most.
	for (const result of [...results].reverse()) {
		const line = /ERROR: [^"\\\n]+/.exec(result.content)?.[0] ?? /[^"\\\n]*(?:failed - |No space left)[^"\\\n]*/.exec(result.content)?.[0];
		if (line) return line.trim().slice(0, 300);
	}
	return undefined;
}

/** A task UPID the tools returned (a backup task of the guest first). */
function upidFromResults(results: Conversation['toolResults'], vmid?: number): string | undefined {
	const all = results.flatMap((result) => result.content.match(new RegExp(UPID.source, 'g')) ?? []);
	return all.find((upid) => upid.includes(`:vzdump:${vmid ?? ''}`)) ?? all.find((upid) => upid.includes(':vzdump:')) ?? all[0];
}

/** Objects of kind "incident" anywhere in a tool result (the event log's rows, however n8n wraps them). */
function incidentRows(content: string): Array<Record<string, unknown>> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(content);
	} catch {
		return [];
	}
	const rows: Array<Record<string, unknown>> = [];
	const visit = (value: unknown): void => {
		if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
			try {
				visit(JSON.parse(value));
			} catch {
				// plain text
			}
		} else if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') {
			const row = value as Record<string, unknown>;
			if (row.kind === 'incident' && row.summary) rows.push(row);
			else Object.values(row).forEach(visit);
		}
	};
	visit(parsed);
	return rows;
}

/** What the event log remembers of an earlier incident like this one (same guest first), as a sentence. */
function pastIncident(conversation: Conversation, vmid?: number): string | undefined {
	const history = conversation.toolResults.filter((result) => 'type' in result.arguments);
	const rows = history.flatMap((result) => incidentRows(result.content));
	const row = rows.find((entry) => vmid !== undefined && Number(entry.vmid) === vmid) ?? rows[0];
	if (!row) return undefined;
	const when = typeof row.timestamp === 'string' ? row.timestamp.slice(0, 10) : 'an earlier day';
	return `Seen before on ${when}: ${String(row.probableCause ?? row.summary)}${row.action ? `; ${String(row.action)}: ${String(row.outcome ?? 'no outcome recorded')}` : ''}.`;
}

/** The analysis the triage model concludes with, from the event and the tool results. */
export function analyse(conversation: Conversation, options: TriageOptions = {}): Analysis {
	const facts = eventFacts(conversation.userText);
	const past = pastIncident(conversation, facts.vmid);
	const withPast = (cause: string) => (past ? `${cause} ${past}` : cause);
	const errorLine = firstErrorLine(conversation.toolResults.filter((result) => !('type' in result.arguments)));
	// n8n echoes the call id among a tool's arguments; a person reading the evidence does not need it.
	const shown = (args: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(args).filter(([key]) => key !== 'id')));
	const evidence = conversation.toolResults.map((result) => `${result.name}(${shown(result.arguments)}): ${result.content.replace(/\s+/g, ' ').slice(0, 400)}`);
	const guest = facts.vmid !== undefined ? `VM ${facts.vmid}` : 'a guest';
	const where = facts.node ? ` on ${facts.node}` : '';
	if (facts.backup) {
		return {
			severity: options.severity ?? 'high',
			summary: `Backup of ${guest}${where} failed.`,
			probableCause: withPast(errorLine ?? 'The backup task failed; its log was not available.'),
			evidence,
			recommendedActions: options.recommendedActions ?? [
				{ resource: 'backup', operation: 'runNow', parameters: { vmids: String(facts.vmid ?? '') }, reason: 'Retry the backup once the cause above is fixed.' },
			],
			needsHuman: true,
		};
	}
	if (facts.guestDown) {
		const stopped = conversation.toolResults.some((result) => /"status"\s*:\s*"stopped"/.test(result.content));
		return {
			severity: options.severity ?? 'medium',
			summary: `${guest}${where} is ${stopped ? 'stopped' : 'not responding'}.`,
			probableCause: withPast(errorLine ?? (stopped ? 'The guest stopped without a shutdown task.' : 'The guest does not answer.')),
			evidence,
			recommendedActions: options.recommendedActions ?? [
				{ resource: 'vm', operation: stopped ? 'start' : 'reboot', parameters: { vmid: facts.vmid ?? 0 }, reason: stopped ? 'Start the guest again.' : 'Restart the guest.' },
			],
			needsHuman: true,
		};
	}
	return {
		severity: options.severity ?? 'low',
		summary: conversation.userText.replace(/\s+/g, ' ').slice(0, 200),
		probableCause: withPast(errorLine ?? 'Not determined from the event alone.'),
		evidence,
		recommendedActions: options.recommendedActions ?? [],
		needsHuman: false,
	};
}

/** Evidence first (task log, then guest status), then the structured answer. */
export function triageScript(options: TriageOptions = {}): Script {
	return (conversation: Conversation): Reply => {
		const last = conversation.messages[conversation.messages.length - 1];
		// The agent sends the parser tool's (empty) result back only if it did not stop: answer as text.
		if (last?.role === 'tool' && last.toolName === FORMAT_TOOL) return { text: JSON.stringify(analyse(conversation, options)) };
		const facts = eventFacts(conversation.userText);
		// A backup failure without a task ID: find the failed task on the node first.
		const failedTasks = facts.backup && !facts.upid && facts.node ? findTool(conversation, ['node'], /fail/i) : undefined;
		if (failedTasks && !called(conversation, failedTasks.name)) return { toolCalls: [{ name: failedTasks.name, arguments: { node: facts.node } }] };
		const upid = facts.upid ?? (facts.backup ? upidFromResults(conversation.toolResults, facts.vmid) : undefined);
		const taskLog = upid ? findTool(conversation, ['upid'], /log/i) : undefined;
		if (taskLog && !called(conversation, taskLog.name)) return { toolCalls: [{ name: taskLog.name, arguments: { upid } }] };
		// VMIDs below the container range are not told apart by number: a VM tool first (Get_VM), as a model reading "VM 101" would.
		const status = facts.vmid !== undefined && facts.guestDown ? (findTool(conversation, ['vmid'], /\bVM\b|_VM|virtual machine/) ?? findTool(conversation, ['vmid'], /status|get/i)) : undefined;
		if (status && !called(conversation, status.name)) return { toolCalls: [{ name: status.name, arguments: { vmid: facts.vmid } }] };
		// Has this happened before? The event log, by the event's type, once the evidence is in.
		const history = facts.type ? findTool(conversation, ['type'], /before|history|event log/i) : undefined;
		if (history && !called(conversation, history.name)) return { toolCalls: [{ name: history.name, arguments: { type: facts.type } }] };
		const analysis = analyse(conversation, options);
		const format = conversation.tools.find((tool) => tool.name === FORMAT_TOOL);
		if (format) {
			// n8n's Structured Output Parser wraps the user's schema as { output: <schema> }
			// (N8nStructuredOutputParser); a model fills the tool's schema as given.
			const wrapped = 'output' in propertiesOf(format) && !('severity' in propertiesOf(format));
			return { toolCalls: [{ name: FORMAT_TOOL, arguments: wrapped ? { output: analysis } : (analysis as unknown as Record<string, unknown>) }] };
		}
		return { text: JSON.stringify(analysis) };
	};
}

/** A model that insists on calling one tool with the given arguments, then reports what it got back. */
export function callToolScript(name: string, args: Record<string, unknown>): Script {
	return (conversation: Conversation): Reply => {
		const result = conversation.toolResults.find((entry) => entry.name === name);
		if (!result) return { toolCalls: [{ name, arguments: args }] };
		return { text: `Tool ${name} answered: ${result.content}` };
	};
}
