/**
 * createSecret: make the version being rotated in hold a fresh API key.
 *
 * On the happy path one API Gateway call and no lookup: the key value is derived from the
 * version (key-derivation.ts), its creation proof (ownership.ts) is computed from that value and
 * sent as a tag in CreateApiKey itself, then the version is written with the key id and its
 * record proof. So a key is never without its proof, and no TagResource follows.
 *
 * Safe after a crash or a lost answer at any point, because every delivery for a version
 * computes the same value and API Gateway refuses a second key with it:
 * - CreateApiKey fails (a lost answer whose retry was refused as a duplicate, or a repeat after
 *   a crash): the key made for this version that holds this run's value, which only this
 *   function can compute, and whose creation proof holds, is used. Only this path lists keys.
 * - PutSecretValue repeats byte-identical JSON, which Secrets Manager accepts as a no-op.
 * - The version already holds a different value (a concurrent or earlier run wrote it): when it
 *   names a key whose record proof holds, that key stays and this run's key, if another, is
 *   deleted (no one was ever given it); a version naming any other key is an error.
 * A key that carries the tags without a valid proof (planted with a token the planter chose)
 * is never adopted: it is reported and left alone.
 *
 * A consumer with further regions (key-regions.ts) gets the same value, by the same rules, in
 * each of them: one CreateApiKey per region, and the version records each region's key id with
 * a record proof that binds the region too. A region that fails stops the step before the
 * version is written; the next delivery finds the keys already made and goes on.
 */
import {
  KeyTag,
  SECRET_FORMAT,
  type IssuedKeyValue,
  type RegionalKeyRecord,
} from '../../../contract';
import { adoptKey, adoptsKey } from '../adoption';
import type { ApiKeyStore } from '../api-key-store';
import { unexpectedVersionValue, versionHoldsUnknownKey } from '../errors';
import { derivedBytes } from '../key-derivation';
import { furtherRegions, regionalKeyOf } from '../key-regions';
import { generateKeyValue } from '../key-value';
import { createLogger } from '../log';
import { keyName, originTags, type KeyOrigin, type ManagedKey } from '../managed-key';
import { regionFailed } from '../regional-errors';
import { Stage, versionStagedAs } from '../secret-store';
import { describeContent } from '../secret-value';
import { originOf, type StepContext } from './step-context';

const log = createLogger('createSecret');
const STEP = 'createSecret';

export interface CreateSecretResult {
  readonly keyId: string;
  /**
   * What happened: a new key, the key of an earlier delivery, an existing key adopted (the
   * consumer's first rotation, adoption.ts), or a version already written.
   */
  readonly outcome: 'created' | 'recovered' | 'adopted' | 'already-done';
}

export async function createSecret(ctx: StepContext): Promise<CreateSecretResult> {
  if (adoptsKey(ctx)) return adoptKey(ctx, ctx.policy.adoptKeyId);
  const { ownership, secrets } = ctx.runtime;
  const origin = originOf(ctx);
  const seed = await ownership.keyValueSeed(
    origin,
    versionStagedAs(ctx.secret, Stage.CURRENT) ?? 'no-current-version'
  );
  const value = generateKeyValue(ctx.policy.keyPrefix, derivedBytes(seed));
  const creationProof = await ownership.proveCreation(origin, value);
  const { key, outcome } = await createKey(ctx, ctx.runtime.keys, origin, value, creationProof);
  const proof = await ownership.prove({ ...origin, keyId: key.id });
  const regional = await createRegionalKeys(ctx, origin, value, creationProof);
  const written = await secrets.putPending(
    ctx.secret.arn,
    ctx.token,
    issuedValue(ctx, key, value, proof, regional)
  );
  if (written === 'exists') return settleWrittenVersion(ctx, key, regional);
  log.info(
    outcome === 'created'
      ? 'created the pending key'
      : 'wrote the key an earlier delivery made for this version',
    logFields(ctx, key.id)
  );
  return { keyId: key.id, outcome };
}

/** The same key in each further region, with its record proof; a region's failure names it. */
async function createRegionalKeys(
  ctx: StepContext,
  origin: KeyOrigin,
  value: string,
  creationProof: string
): Promise<RegionalKeyRecord[]> {
  const records: RegionalKeyRecord[] = [];
  for (const { region, usagePlanIds } of furtherRegions(ctx.policy)) {
    try {
      const { keys } = ctx.runtime.regions.in(region);
      const { key } = await createKey(ctx, keys, origin, value, creationProof);
      const proof = await ctx.runtime.ownership.prove({ ...origin, keyId: key.id, region });
      records.push({ region, keyId: key.id, usagePlanIds, proof });
    } catch (error) {
      throw regionFailed(ctx.secret.arn, STEP, region, error);
    }
  }
  return records;
}

/**
 * CreateApiKey with the key's tags and creation proof in one call, in the region of `keys`.
 * When it fails it may still have taken effect, now or in an earlier delivery: the key made for
 * this version that holds `value` is then this function's own, and is used.
 */
async function createKey(
  ctx: StepContext,
  keys: ApiKeyStore,
  origin: KeyOrigin,
  value: string,
  proof: string
): Promise<{ key: ManagedKey; outcome: 'created' | 'recovered' }> {
  const { ownership } = ctx.runtime;
  try {
    const key = await keys.create({
      name: keyName(ctx.policy.consumer, ctx.token),
      value,
      description: `keyplane ${ctx.runtime.env.service}: ${ctx.policy.consumer}, version ${ctx.token}`,
      tags: { ...originTags(origin), [KeyTag.PROOF]: proof },
    });
    return { key, outcome: 'created' };
  } catch (error) {
    const made = await keys
      .findMadeFor(origin, ctx.policy.consumer, { includeValues: true })
      .then((found) =>
        ownership.ownedOnly(
          found.filter((key) => key.value === value),
          'adopt in createSecret'
        )
      )
      .then(([key]) => key)
      .catch(() => undefined);
    if (made === undefined) throw error;
    log.warn('CreateApiKey failed, and an earlier attempt had made the key; using it', {
      ...logFields(ctx, made.id),
      error: error instanceof Error ? error.name : 'unknown',
    });
    return { key: made, outcome: 'recovered' };
  }
}

/** The version got a value before this run's write: keep the keys it names, if they are ours. */
async function settleWrittenVersion(
  ctx: StepContext,
  ours: ManagedKey,
  oursInRegions: readonly RegionalKeyRecord[]
): Promise<CreateSecretResult> {
  const { secrets, keys, ownership } = ctx.runtime;
  const pending = await secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind !== 'issued') {
    throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, describeContent(pending));
  }
  const held = pending.value.keyId;
  if (held !== ours.id) {
    // This run's key was never handed out.
    await keys.delete(ours.id);
    log.warn('deleted a duplicate key made for the same version', logFields(ctx, ours.id));
  }
  for (const { region, keyId } of oursInRegions) {
    if (regionalKeyOf(pending.value, region)?.keyId === keyId) continue;
    // This run's key in the region was never handed out either.
    await ctx.runtime.regions.in(region).keys.delete(keyId);
    log.warn('deleted a duplicate key made for the same version', {
      ...logFields(ctx, keyId),
      region,
    });
  }
  const subject = { ...originOf(ctx), keyId: held };
  if (!(await ownership.holds(subject, pending.value.proof, 'confirm in createSecret'))) {
    throw versionHoldsUnknownKey(ctx.secret.arn, STEP, ctx.token, held);
  }
  log.info('the version already holds its key; nothing to do', logFields(ctx, held));
  return { keyId: held, outcome: 'already-done' };
}

function issuedValue(
  ctx: StepContext,
  key: ManagedKey,
  value: string,
  proof: string,
  regions: readonly RegionalKeyRecord[]
): IssuedKeyValue {
  return {
    format: SECRET_FORMAT,
    keyId: key.id,
    value,
    consumer: ctx.policy.consumer,
    usagePlanIds: ctx.policy.usagePlanIds,
    // The key's own creation time, so a re-run writes byte-identical JSON.
    createdAt: (key.createdDate ?? ctx.runtime.now()).toISOString(),
    proof,
    ...(regions.length === 0 ? {} : { regions }),
  };
}

function logFields(ctx: StepContext, keyId: string): Record<string, unknown> {
  return { step: STEP, secretArn: ctx.secret.arn, versionId: ctx.token, keyId };
}
