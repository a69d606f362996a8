/**
 * The key of the version being rotated in, for setSecret and testSecret: found by what
 * createSecret recorded, not by a lookup. The version names the key id and value; its record
 * proof (ownership.ts), checked with KMS, shows the function wrote that id for this version.
 * Secrets Manager never changes a version's value once written, so what createSecret checked
 * or wrote still holds; a warm container reads it from its cache (secret-store.ts).
 */
import type { IssuedKeyValue, RegionalPolicy } from '../../../contract';
import { noKeyForVersion, versionHoldsUnknownKey, type RotationStep } from '../errors';
import { furtherRegions, regionalKeyOf } from '../key-regions';
import { regionalKeyNotProven, versionLacksRegion } from '../regional-errors';
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

/** The version's key in a further region, with the plans the consumer declares there. */
export interface PendingRegionalKey extends RegionalPolicy {
  readonly keyId: string;
}

/**
 * The version's key in each further region the consumer declares, in the declared order, each
 * record proof checked: a region the version names no key in (the regions changed during the
 * rotation) or a key whose proof fails stops the step, so AWSCURRENT never moves to a version
 * that is not served in every declared region.
 */
export async function pendingRegionalKeys(
  ctx: StepContext,
  value: IssuedKeyValue,
  step: RotationStep
): Promise<PendingRegionalKey[]> {
  const keys: PendingRegionalKey[] = [];
  for (const declared of furtherRegions(ctx.policy)) {
    const { region } = declared;
    const record = regionalKeyOf(value, region);
    if (record === undefined) throw versionLacksRegion(ctx.secret.arn, step, ctx.token, region);
    const subject = { ...originOf(ctx), keyId: record.keyId, region };
    if (!(await ctx.runtime.ownership.holds(subject, record.proof, step))) {
      throw regionalKeyNotProven(ctx.secret.arn, step, ctx.token, region, record.keyId);
    }
    keys.push({ ...declared, keyId: record.keyId });
  }
  return keys;
}
