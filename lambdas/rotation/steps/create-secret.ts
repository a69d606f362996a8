/**
 * createSecret: make the version being rotated in hold a fresh API key.
 *
 * Safe after a crash at any point. The key is created with its origin tags in one call, then
 * given its ownership proof (ownership.ts), then written into the version. A run that crashed
 * after the proof and before PutSecretValue left a traceable, provable key; the next run finds
 * it by its tags, verifies the proof and writes that one instead of making a second. A key that
 * carries the tags without a valid proof (a crash before the proof, or one planted by someone
 * else with a token they chose) is never adopted: it is reported and left alone, and a fresh
 * key is made. A version that already holds its key is left alone. Provable keys a concurrent
 * run made and lost the race with are deleted at once (no one was ever given them).
 */
import { KeyTag, SECRET_FORMAT, type IssuedKeyValue } from '../../../contract';
import { adoptKey, adoptsKey } from '../adoption';
import { unexpectedVersionValue, versionHoldsUnknownKey } from '../errors';
import { generateKeyValue } from '../key-value';
import { createLogger } from '../log';
import { isMadeFor, keyName, originTags, type KeyOrigin, type ManagedKey } from '../managed-key';
import { Stage } from '../secret-store';
import { describeContent } from '../secret-value';
import { originOf, type StepContext } from './step-context';

const log = createLogger('createSecret');
const STEP = 'createSecret';

export interface CreateSecretResult {
  readonly keyId: string;
  /**
   * What happened: a new key, a key left by a crashed run, an existing key adopted (the
   * consumer's first rotation, adoption.ts), or nothing to do.
   */
  readonly outcome: 'created' | 'recovered' | 'adopted' | 'already-done';
}

export async function createSecret(ctx: StepContext): Promise<CreateSecretResult> {
  if (adoptsKey(ctx)) return adoptKey(ctx, ctx.policy.adoptKeyId);
  const { keys } = ctx.runtime;
  const origin = originOf(ctx);
  const found = await ctx.runtime.ownership.ownedOnly(
    await keys.findMadeFor(origin, ctx.policy.consumer, { includeValues: true }),
    'adopt in createSecret'
  );
  if (found.length > 0) {
    return adoptExistingKey(ctx, found);
  }

  const value = generateKeyValue(ctx.policy.keyPrefix);
  const key = await createKey(ctx, origin, value);
  const proof = await ctx.runtime.ownership.prove({ ...origin, keyId: key.id });
  await keys.tag(key.id, { [KeyTag.PROOF]: proof });
  const written = await ctx.runtime.secrets.putPending(
    ctx.secret.arn,
    ctx.token,
    issuedValue(ctx, key, value, proof)
  );
  if (written === 'exists') {
    // The version got a value after our lookup: a concurrent run won. Ours was never handed out.
    await keys.delete(key.id);
    return confirmHeldKey(ctx);
  }
  log.info('created the pending key', logFields(ctx, key.id));
  return { keyId: key.id, outcome: 'created' };
}

/**
 * CreateApiKey. When the call fails, it may still have taken effect (a connection reset or a
 * timeout after API Gateway acted, and the SDK's retry then refused as a duplicate value): the
 * key made for this version that holds `value`, which only this run knows, is then this run's
 * own, and is used. Without that, the key would be left unproven and so never touched again.
 */
async function createKey(ctx: StepContext, origin: KeyOrigin, value: string): Promise<ManagedKey> {
  const { keys } = ctx.runtime;
  try {
    return await keys.create({
      name: keyName(ctx.policy.consumer, ctx.token),
      value,
      description: `keyplane ${ctx.runtime.env.service}: ${ctx.policy.consumer}, version ${ctx.token}`,
      tags: originTags(origin),
    });
  } catch (error) {
    const made = await keys
      .findMadeFor(origin, ctx.policy.consumer, { includeValues: true })
      .then((found) => found.find((key) => key.value === value))
      .catch(() => undefined);
    if (made === undefined) throw error;
    log.warn('CreateApiKey failed after it took effect; using the key it made', {
      ...logFields(ctx, made.id),
      error: error instanceof Error ? error.name : 'unknown',
    });
    return made;
  }
}

/** One or more keys were made for this version before: keep the one the version holds. */
async function adoptExistingKey(
  ctx: StepContext,
  found: readonly ManagedKey[]
): Promise<CreateSecretResult> {
  const { secrets } = ctx.runtime;
  const pending = await secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind === 'issued') {
    const held = found.find((key) => key.id === pending.value.keyId);
    if (held === undefined) {
      throw versionHoldsUnknownKey(ctx.secret.arn, STEP, ctx.token, pending.value.keyId);
    }
    await deleteSurplus(ctx, found, held.id);
    log.info('the version already holds its key; nothing to do', logFields(ctx, held.id));
    return { keyId: held.id, outcome: 'already-done' };
  }
  if (pending.kind !== 'empty') {
    throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, describeContent(pending));
  }
  // A run crashed between CreateApiKey and PutSecretValue: finish its work with its key.
  const [chosen] = [...found].sort(oldestFirst);
  if (chosen.value === undefined || chosen.proof === undefined) {
    throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, 'a key without a readable value');
  }
  const written = await secrets.putPending(
    ctx.secret.arn,
    ctx.token,
    issuedValue(ctx, chosen, chosen.value, chosen.proof)
  );
  if (written === 'exists') return confirmHeldKey(ctx);
  await deleteSurplus(ctx, found, chosen.id);
  log.info('reused the key of a run that crashed before writing it', logFields(ctx, chosen.id));
  return { keyId: chosen.id, outcome: 'recovered' };
}

/** After a lost race: the version must hold a live key made for it. */
async function confirmHeldKey(ctx: StepContext): Promise<CreateSecretResult> {
  const pending = await ctx.runtime.secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind !== 'issued') {
    throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, describeContent(pending));
  }
  const held = await ctx.runtime.keys.get(pending.value.keyId);
  if (
    held === undefined ||
    !isMadeFor(held, originOf(ctx)) ||
    !(await ctx.runtime.ownership.ownsKey(held, 'confirm in createSecret'))
  ) {
    throw versionHoldsUnknownKey(ctx.secret.arn, STEP, ctx.token, pending.value.keyId);
  }
  log.info('a concurrent run wrote the version first; using its key', logFields(ctx, held.id));
  return { keyId: held.id, outcome: 'already-done' };
}

async function deleteSurplus(
  ctx: StepContext,
  found: readonly ManagedKey[],
  keepId: string
): Promise<void> {
  for (const key of found) {
    if (key.id !== keepId) {
      await ctx.runtime.keys.delete(key.id);
      log.warn('deleted a duplicate key made for the same version', logFields(ctx, key.id));
    }
  }
}

function issuedValue(
  ctx: StepContext,
  key: ManagedKey,
  value: string,
  proof: string
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
  };
}

function oldestFirst(a: ManagedKey, b: ManagedKey): number {
  const byDate = (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0);
  return byDate !== 0 ? byDate : a.id.localeCompare(b.id);
}

function logFields(ctx: StepContext, keyId: string): Record<string, unknown> {
  return { step: STEP, secretArn: ctx.secret.arn, versionId: ctx.token, keyId };
}
