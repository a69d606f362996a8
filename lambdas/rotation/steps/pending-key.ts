/**
 * Finding the key of the version being rotated in, for setSecret and testSecret: the key
 * tagged with the secret ARN and the token whose ownership proof holds. One lookup call; in the rare case a crash left two
 * keys for one version, the pending secret value decides which one is real, and with
 * `deleteDuplicates` the others are deleted: no one was handed them, and left in place a
 * duplicate would look to the sweep like the current key once the version is current.
 */
import { noKeyForVersion, versionHoldsUnknownKey, type RotationStep } from '../errors';
import { createLogger } from '../log';
import type { ManagedKey } from '../managed-key';
import { Stage } from '../secret-store';
import { originOf, type StepContext } from './step-context';

const log = createLogger('pendingKey');

export async function findPendingKey(
  ctx: StepContext,
  step: RotationStep,
  options: { readonly includeValues: boolean; readonly deleteDuplicates?: boolean }
): Promise<ManagedKey> {
  const { keys, secrets } = ctx.runtime;
  // Only keys the function can prove it made: a planted copy of the tags is reported, unused.
  const found = await ctx.runtime.ownership.ownedOnly(
    await keys.findMadeFor(originOf(ctx), ctx.policy.consumer, options),
    step
  );
  if (found.length === 1) return found[0];
  if (found.length === 0) throw noKeyForVersion(ctx.secret.arn, step, ctx.token);
  const pending = await secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind !== 'issued') throw noKeyForVersion(ctx.secret.arn, step, ctx.token);
  const held = found.find((key) => key.id === pending.value.keyId);
  if (held === undefined) {
    throw versionHoldsUnknownKey(ctx.secret.arn, step, ctx.token, pending.value.keyId);
  }
  if (options.deleteDuplicates === true) {
    for (const key of found) {
      if (key.id === held.id) continue;
      await keys.delete(key.id);
      log.warn('deleted a duplicate key made for the same version', {
        step,
        secretArn: ctx.secret.arn,
        versionId: ctx.token,
        keyId: key.id,
      });
    }
  }
  return held;
}
