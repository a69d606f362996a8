/**
 * finishSecret: make the pending version current, then schedule the outgoing key's retirement.
 *
 * Order matters for crash safety: the outgoing key is tagged keyplane:retire-after first (the
 * sweep never retires the current key, so an early tag is harmless), then AWSCURRENT moves to
 * the new version. AWSPENDING stays on the new version, as AWS's templates leave it: with
 * AWSCURRENT beside it no rotation looks in progress, and the next rotation moves it. A re-run
 * after the move finds the token AWSCURRENT and stops in the preconditions. When the outgoing
 * version is the bootstrap placeholder there is no key to retire; when it names a key whose
 * ownership proof fails (a value edited to name someone else's key), the key is reported and
 * not touched. Between the tag and the move, the outgoing key's remaining quota is carried to
 * the new key (quota-carry.ts); a failure there is logged and the rotation goes on.
 *
 * A consumer with further regions (key-regions.ts): before anything moves, the pending version
 * must name a proven key in every declared region (setSecret put each in its plans), and the
 * outgoing key of each region is tagged like the primary one (one call per region). A region
 * that fails stops the step before AWSCURRENT moves: the outgoing key keeps working everywhere
 * and Secrets Manager retries. The quota carry runs in the primary region; in the others the
 * sweep shares each plan's quota between the two keys from its first pass.
 */
import { KeyTag, type IssuedKeyValue } from '../../../contract';
import { furtherRegions } from '../key-regions';
import { createLogger } from '../log';
import { instantTag } from '../managed-key';
import { carryQuota } from '../quota-carry';
import { regionFailed } from '../regional-errors';
import { Stage, versionStagedAs } from '../secret-store';
import { pendingRegionalKeys, readPendingKey } from './pending-version';
import { originOf, type StepContext } from './step-context';

const log = createLogger('finishSecret');
const STEP = 'finishSecret';

export interface FinishSecretOptions {
  /**
   * Seconds the outgoing key stays enabled.
   *
   * @default - the consumer's grace period (tag keyplane:grace-period-seconds)
   */
  readonly gracePeriodSeconds?: number;
}

export interface FinishSecretResult {
  /** The key the previous AWSCURRENT version named, when there was one and it still exists. */
  readonly outgoingKeyId?: string;
  readonly retireAfter?: Date;
}

export async function finishSecret(
  ctx: StepContext,
  options: FinishSecretOptions = {}
): Promise<FinishSecretResult> {
  const { secrets, keys } = ctx.runtime;
  const arn = ctx.secret.arn;
  const current = versionStagedAs(ctx.secret, Stage.CURRENT);
  const fields = { step: STEP, secretArn: arn, versionId: ctx.token, previousVersionId: current };
  if (current === ctx.token) {
    log.info('the version is already AWSCURRENT; nothing to do', fields);
    return {};
  }

  if (furtherRegions(ctx.policy).length > 0) {
    await pendingRegionalKeys(ctx, await readPendingKey(ctx, STEP), STEP);
  }
  let result: FinishSecretResult = {};
  if (current !== undefined) {
    const outgoing = await secrets.read(arn, current);
    if (outgoing.kind === 'issued') {
      const grace = options.gracePeriodSeconds ?? ctx.policy.gracePeriodSeconds;
      const retireAfter = new Date(ctx.runtime.now().getTime() + grace * 1000);
      await scheduleRegionalRetirements(ctx, current, outgoing.value, retireAfter);
      const keyId = outgoing.value.keyId;
      const subject = { ...originOf(ctx), versionId: current, keyId };
      // A key the function cannot prove it made is reported (by holds) and not touched.
      const owned = await ctx.runtime.ownership.holds(subject, outgoing.value.proof, STEP);
      if (owned && (await keys.tag(keyId, { [KeyTag.RETIRE_AFTER]: instantTag(retireAfter) }))) {
        result = { outgoingKeyId: keyId, retireAfter };
      } else if (owned) {
        log.warn('the outgoing key no longer exists; nothing to retire', { ...fields, keyId });
      }
    } else {
      log.info('the outgoing version holds no key; nothing to retire', {
        ...fields,
        outgoing: outgoing.kind,
      });
    }
  }

  if (result.outgoingKeyId !== undefined) {
    try {
      const grace = options.gracePeriodSeconds ?? ctx.policy.gracePeriodSeconds;
      await carryQuota(ctx, ctx.policy, result.outgoingKeyId, grace);
    } catch (error) {
      // The rotation goes on: the sweep shares the quota between the two keys anyway.
      log.warn('could not carry the quota to the new key', { ...fields, error });
    }
  }
  await secrets.promote(arn, ctx.token, current);
  log.info('the new version is AWSCURRENT', {
    ...fields,
    ...(result.outgoingKeyId === undefined
      ? {}
      : { outgoingKeyId: result.outgoingKeyId, retireAfter: result.retireAfter }),
  });
  return result;
}

/**
 * Tags the outgoing version's key in each further region with keyplane:retire-after. A key the
 * function cannot prove it made there is reported and not touched; a region that fails stops
 * the step, naming the region.
 */
async function scheduleRegionalRetirements(
  ctx: StepContext,
  outgoingVersion: string,
  outgoing: IssuedKeyValue,
  retireAfter: Date
): Promise<void> {
  for (const { region, keyId, proof } of outgoing.regions ?? []) {
    const subject = { ...originOf(ctx), versionId: outgoingVersion, keyId, region };
    try {
      if (!(await ctx.runtime.ownership.holds(subject, proof, STEP))) continue;
      const { keys } = ctx.runtime.regions.in(region);
      if (!(await keys.tag(keyId, { [KeyTag.RETIRE_AFTER]: instantTag(retireAfter) }))) {
        log.warn('the outgoing key no longer exists in a region; nothing to retire', {
          step: STEP,
          secretArn: ctx.secret.arn,
          region,
          keyId,
        });
      }
    } catch (error) {
      throw regionFailed(ctx.secret.arn, STEP, region, error);
    }
  }
}
