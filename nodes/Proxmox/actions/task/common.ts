export { readUpid, upidField } from '../../../shared/actions/taskOperations';
