export { taskGet as get } from '../../../shared/actions/taskOperations';
