/**
 * Whether a rotation Secrets Manager started may issue a key, checked before createSecret
 * makes one (rotation.ts). This closes the gap of a principal allowed secretsmanager:RotateSecret
 * rotating more often than declared (docs/trust.md):
 *
 * 1. the rotate cool-down (cool-down.ts): within it of LastRotatedDate, the consumer's keys made
 *    in it are listed and counted; otherwise no extra call;
 * 2. the key budget (key-budget.ts), only for a rotation that starts within the consumer's grace
 *    period plus the sweep's slack of the last one, when the keys of earlier rotations may not be
 *    retired or deleted yet. That path lists the keys; the scheduled rotation, long after the
 *    last, makes no list call.
 *
 * A refused rotation has AWSPENDING removed from its version (which holds no value: createSecret
 * has not run) so that it blocks neither the next rotation nor a revoke, and fails with an error
 * naming the consumer, the time left or the budget, and the setting.
 */
import { rotateCoolDownLeft, withinRotateCoolDown } from './cool-down';
import { coolingDown, RotationError } from './errors';
import { refuseBeyondKeyBudget } from './key-budget';
import { graceUnderCap, SWEEP_SLACK_SECONDS } from './live-key-cap';
import { createLogger } from './log';
import type { ManagedKey } from './managed-key';
import type { StepContext } from './steps/step-context';

const log = createLogger('admission');
const STEP = 'createSecret';

export async function admitRotation(ctx: StepContext): Promise<void> {
  const { runtime, secret, policy, token } = ctx;
  try {
    let listed: ManagedKey[] | undefined;
    // A re-delivered createSecret finds the key its first delivery made (its version is this
    // token): that one was admitted then and is adopted, not issued again, so it is not counted.
    const listing = async () =>
      (listed ??= (await runtime.keys.listAll()).filter(
        (key) => !(key.secretArn === secret.arn && key.secretVersion === token)
      ));
    if (withinRotateCoolDown(secret, policy, runtime.now())) {
      const left = await rotateCoolDownLeft(runtime, secret.arn, policy, await listing());
      if (left !== undefined) throw coolingDown(secret.arn, STEP, left);
    }
    const last = secret.lastRotatedDate?.getTime();
    const quick =
      last !== undefined &&
      runtime.now().getTime() < last + (graceUnderCap(policy) + SWEEP_SLACK_SECONDS) * 1000;
    if (quick) await refuseBeyondKeyBudget(runtime, secret.arn, STEP, await listing());
  } catch (error) {
    if (!(error instanceof RotationError)) throw error;
    await runtime.secrets.dropPending(secret.arn, token);
    log.warn('refused a rotation; AWSPENDING removed from its version', {
      step: STEP,
      secretArn: secret.arn,
      versionId: token,
      consumer: policy.consumer,
      reason: error.name,
    });
    throw error;
  }
}
