import { jobsGetMany } from '../jobs';

export const getJobs = jobsGetMany('verify', 'which datastore and namespace, skip verified, re-verify after');
