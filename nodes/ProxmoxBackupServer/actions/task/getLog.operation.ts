export { taskGetLog as getLog } from '../../../shared/actions/taskOperations';
