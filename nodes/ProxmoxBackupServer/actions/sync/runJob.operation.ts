import { jobsRunNow } from '../jobs';

export const runJob = jobsRunNow('sync', 'pulls (or pushes) the backup groups the job covers from or to its remote', 'write');
