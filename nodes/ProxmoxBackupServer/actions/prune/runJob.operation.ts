import { jobsRunNow } from '../jobs';

export const runJob = jobsRunNow('prune', 'removes the snapshots its retention does not keep', 'destructive');
