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
 */
import { KeyTag } from '../../../contract';
import {
  graceUnderCap,
  retireBeyondCap,
  retireOutgoingUnderCap,
  type OutgoingVersion,
} from '../live-key-cap';
import { createLogger } from '../log';
import { instantTag } from '../managed-key';
import { carryQuota } from '../quota-carry';
import { Stage, versionStagedAs } from '../secret-store';
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

  let result: FinishSecretResult = {};
  let outgoingVersion: (OutgoingVersion & { planIds: readonly string[] }) | undefined;
  if (current !== undefined) {
    const outgoing = await secrets.read(arn, current);
    if (outgoing.kind === 'issued') {
      const grace = options.gracePeriodSeconds ?? graceUnderCap(ctx.policy);
      const retireAfter = new Date(ctx.runtime.now().getTime() + grace * 1000);
      const keyId = outgoing.value.keyId;
      const subject = { ...originOf(ctx), versionId: current, keyId };
      // A key the function cannot prove it made is reported (by holds) and not touched.
      const owned = await ctx.runtime.ownership.holds(subject, outgoing.value.proof, STEP);
      if (owned && (await keys.tag(keyId, { [KeyTag.RETIRE_AFTER]: instantTag(retireAfter) }))) {
        result = { outgoingKeyId: keyId, retireAfter };
        outgoingVersion = {
          versionId: current,
          createdAt: new Date(outgoing.value.createdAt),
          planIds: outgoing.value.usagePlanIds,
        };
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
      const grace = options.gracePeriodSeconds ?? graceUnderCap(ctx.policy);
      await carryQuota(ctx, ctx.policy, result.outgoingKeyId, grace);
    } catch (error) {
      // The rotation goes on: the sweep shares the quota between the two keys anyway.
      log.warn('could not carry the quota to the new key', { ...fields, error });
    }
  }
  const retiredKeyIds: string[] = [];
  const outgoingStays = (options.gracePeriodSeconds ?? graceUnderCap(ctx.policy)) > 0;
  if (outgoingVersion !== undefined && outgoingStays) {
    // Only while the outgoing key stays enabled can the one before it exceed the cap.
    // Before the move, so a crash repeats it; a failure leaves the key to the sweep's cap.
    const retired = await retireBeyondCap(ctx, outgoingVersion).catch((error: unknown) => {
      log.warn('could not retire a key beyond the live-key cap; the sweep will', {
        ...fields,
        error,
      });
      return undefined;
    });
    if (retired !== undefined) retiredKeyIds.push(retired);
  }
  await secrets.promote(arn, ctx.token, current);
  if (outgoingVersion !== undefined && result.outgoingKeyId !== undefined) {
    const { outgoingKeyId } = result;
    if (await retireOutgoingUnderCap(ctx, outgoingKeyId, outgoingVersion.planIds)) {
      retiredKeyIds.push(outgoingKeyId);
    }
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
