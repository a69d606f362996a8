/** The fault matrix's reset row (support/fault-matrix.ts): call N = 1..K of a rotation fails once. */
import { faultMatrix } from './support/fault-matrix';

faultMatrix('reset');
