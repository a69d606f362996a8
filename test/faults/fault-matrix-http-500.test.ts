/** The fault matrix's http-500 row (support/fault-matrix.ts): call N = 1..K of a rotation fails once. */
import { faultMatrix } from './support/fault-matrix';

faultMatrix('http-500');
