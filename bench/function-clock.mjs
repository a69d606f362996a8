/**
 * Preloaded into the bench's rotation function (NODE_OPTIONS=--import, rotation-fixture.ts):
 * moves the function's clock forward by the milliseconds written in the file that
 * KEYPLANE_BENCH_CLOCK_FILE names, read once when the process starts (the local AWS starts one
 * per invocation). rotation-cost.ts moves it 30 days per round, so each measured rotation is a
 * scheduled one, a schedule after the last, as in a region's steady state; without it every
 * round of the bench is minutes after the last, a quick rotation, which pays for the live-key
 * cap and the key budget (lambdas/rotation/admission.ts) and is measured apart.
 */
import { readFileSync } from 'node:fs';

const offsetMs = Number(readFileSync(process.env.KEYPLANE_BENCH_CLOCK_FILE, 'utf8'));
if (!Number.isFinite(offsetMs)) throw new Error('KEYPLANE_BENCH_CLOCK_FILE holds no number');

const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;
