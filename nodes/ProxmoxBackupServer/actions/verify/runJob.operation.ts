import { jobsRunNow } from '../jobs';

export const runJob = jobsRunNow('verify', 'verifies the snapshots the job covers', 'write');
