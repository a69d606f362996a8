/**
 * The key of the version being rotated in, for setSecret and testSecret: found by what
 * createSecret recorded, not by a lookup. The version names the key id and value; its record
 * proof (ownership.ts), checked with KMS, shows the function wrote that id for this version.
 * Secrets Manager never changes a version's value once written, so what createSecret checked
 * or wrote still holds; a warm container reads it from its cache (secret-store.ts).
 */
import type { IssuedKeyValue } from '../../../contract';
import { noKeyForVersion, versionHoldsUnknownKey, type RotationStep } from '../errors';
import { Stage } from '../secret-store';
import { describeContent } from '../secret-value';
import { originOf, type StepContext } from './step-context';

export async function readPendingKey(
  ctx: StepContext,
  step: RotationStep
): Promise<IssuedKeyValue> {
  const pending = await ctx.runtime.secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind !== 'issued') {
    throw noKeyForVersion(ctx.secret.arn, step, ctx.token, describeContent(pending));
  }
  const subject = { ...originOf(ctx), keyId: pending.value.keyId };
  if (!(await ctx.runtime.ownership.holds(subject, pending.value.proof, step))) {
    throw versionHoldsUnknownKey(ctx.secret.arn, step, ctx.token, pending.value.keyId);
  }
  return pending.value;
}
