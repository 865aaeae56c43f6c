/**
 * Safety class of a Proxmox Backup Server API Call (mechanism in nodes/shared/actions/apiCallSafety.ts).
 */
import type { ApiCallRules } from '../../shared/actions/apiCallSafety';

export const PBS_API_RULES: ApiCallRules = { destructive: [], secretAnswers: [] };
