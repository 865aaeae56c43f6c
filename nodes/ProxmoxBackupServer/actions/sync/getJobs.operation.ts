import { jobsGetMany } from '../jobs';

export const getJobs = jobsGetMany('sync', 'remote, remote datastore, local datastore, remove vanished');
