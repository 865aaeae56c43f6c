export { taskStop as stop } from '../../../shared/actions/taskOperations';
