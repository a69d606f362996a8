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
import {
  graceUnderCap,
  retireBeyondCap,
  retireOutgoingUnderCap,
  type OutgoingVersion,
  type PlacedKey,
} from '../live-key-cap';
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
  /** Keys retired at once by the live-key cap (live-key-cap.ts). */
  readonly retiredKeyIds?: readonly string[];
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
  const grace = options.gracePeriodSeconds ?? graceUnderCap(ctx.policy);
  let result: FinishSecretResult = {};
  let outgoingVersion: OutgoingVersion | undefined;
  /** The outgoing version's proven keys, one per region, for the cap of one live key. */
  let outgoingKeys: PlacedKey[] = [];
  if (current !== undefined) {
    const outgoing = await secrets.read(arn, current);
    if (outgoing.kind === 'issued') {
      const retireAfter = new Date(ctx.runtime.now().getTime() + grace * 1000);
      outgoingKeys = await scheduleRegionalRetirements(ctx, current, outgoing.value, retireAfter);
      const keyId = outgoing.value.keyId;
      const subject = { ...originOf(ctx), versionId: current, keyId };
      // A key the function cannot prove it made is reported (by holds) and not touched.
      const owned = await ctx.runtime.ownership.holds(subject, outgoing.value.proof, STEP);
      if (owned && (await keys.tag(keyId, { [KeyTag.RETIRE_AFTER]: instantTag(retireAfter) }))) {
        result = { outgoingKeyId: keyId, retireAfter };
        outgoingVersion = { versionId: current, createdAt: new Date(outgoing.value.createdAt) };
        outgoingKeys = [{ keys, keyId, planIds: outgoing.value.usagePlanIds }, ...outgoingKeys];
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
      await carryQuota(ctx, ctx.policy, result.outgoingKeyId, grace);
    } catch (error) {
      // The rotation goes on: the sweep shares the quota between the two keys anyway.
      log.warn('could not carry the quota to the new key', { ...fields, error });
    }
  }
  const retiredKeyIds: string[] = [];
  // A failed cap retirement fails no rotation: the sweep retires keys beyond the cap.
  const orLeaveToSweep = (what: string) => (error: unknown) => {
    log.warn(`could not retire ${what}; the sweep will`, { ...fields, error });
    return [];
  };
  if (outgoingVersion !== undefined && grace > 0) {
    // Only while the outgoing key stays enabled can the one before it exceed the cap.
    // Before the move, so a crash repeats it.
    retiredKeyIds.push(
      ...(await retireBeyondCap(ctx, outgoingVersion).catch(
        orLeaveToSweep('a key beyond the live-key cap')
      ))
    );
  }
  await secrets.promote(arn, ctx.token, current);
  if (outgoingVersion !== undefined) {
    // After the move: the key is tagged to retire now (no grace under a cap of 1).
    retiredKeyIds.push(
      ...(await retireOutgoingUnderCap(ctx, outgoingKeys).catch(
        orLeaveToSweep('the outgoing key under a cap of one')
      ))
    );
  }
  if (retiredKeyIds.length > 0) result = { ...result, retiredKeyIds };
  log.info('the new version is AWSCURRENT', {
    ...fields,
    ...(result.outgoingKeyId === undefined
      ? {}
      : { outgoingKeyId: result.outgoingKeyId, retireAfter: result.retireAfter }),
  });
  return result;
}

/**
 * Tags the outgoing version's key in each further region with keyplane:retire-after and returns
 * the keys it tagged. A key the function cannot prove it made there is reported and not
 * touched; a region that fails stops the step, naming the region.
 */
async function scheduleRegionalRetirements(
  ctx: StepContext,
  outgoingVersion: string,
  outgoing: IssuedKeyValue,
  retireAfter: Date
): Promise<PlacedKey[]> {
  const tagged: PlacedKey[] = [];
  for (const { region, keyId, proof, usagePlanIds } of outgoing.regions ?? []) {
    const subject = { ...originOf(ctx), versionId: outgoingVersion, keyId, region };
    try {
      if (!(await ctx.runtime.ownership.holds(subject, proof, STEP))) continue;
      const { keys } = ctx.runtime.regions.in(region);
      if (await keys.tag(keyId, { [KeyTag.RETIRE_AFTER]: instantTag(retireAfter) })) {
        tagged.push({ keys, keyId, planIds: usagePlanIds });
      } else {
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
  return tagged;
}
