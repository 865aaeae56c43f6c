import { jobsGetMany } from '../jobs';

export const getJobs = jobsGetMany('prune', 'datastore, namespace, keep options');
