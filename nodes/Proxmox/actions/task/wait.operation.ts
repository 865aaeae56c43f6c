export { taskWait as wait } from '../../../shared/actions/taskOperations';
