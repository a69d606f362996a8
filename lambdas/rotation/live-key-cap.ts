/**
 * The live-key cap: a consumer has at most `maxLiveKeys` enabled keys (by default the current
 * key plus one in its grace period), and at most `maxRetainedKeys` retired keys kept for the
 * delete period (contract/blast-radius.ts).
 *
 * In the rotation (finishSecret), without a list call: the versions record the key ids. Before
 * a rotation Secrets Manager labels two versions, AWSCURRENT (outgoing, enters its grace) and
 * AWSPREVIOUS (the one before). With the cap at 2 the AWSPREVIOUS key must not stay enabled.
 * Usually the sweep retired it long ago (its grace ended); only when it may still be in its
 * grace — the outgoing version became current less than grace plus {@link SWEEP_SLACK_SECONDS}
 * ago — does finishSecret read that version, check its record proof and retire the key it
 * names, before AWSCURRENT moves (so a crash in between is repeated, not lost). With the cap at
 * 1 the outgoing key gets no grace and is retired right after the move.
 *
 * In the sweep (which lists every key anyway): enabled keys beyond the cap that the rotation
 * could not reach (a rotation started out of band, a crash) are retired, and retired keys
 * beyond the retained cap are deleted, oldest first ({@link keysBeyondCaps}).
 */
import { BOOTSTRAP_STAGE, DEFAULT_BLAST_RADIUS, type BlastRadiusPolicy } from '../../contract';
import type { ApiKeyStore } from './api-key-store';
import type { ConsumerPolicy } from './consumer-policy';
import { createLogger } from './log';
import { newestFirst, type ManagedKey } from './managed-key';
import { retireKey } from './retire';
import { versionStagedAs } from './secret-store';
import { originOf, type StepContext } from './steps/step-context';
import { RECENT_KEY_MS, type KeyAction } from './sweep-decision';

const log = createLogger('live-key-cap');

/** Secrets Manager's label on the version before AWSCURRENT. */
export const PREVIOUS_STAGE = 'AWSPREVIOUS';

/**
 * Past grace plus this, a key's retire-after has passed long enough for the hourly sweep to
 * have retired it (two sweeps: one may fail): the rotation does not spend calls on it.
 */
export const SWEEP_SLACK_SECONDS = 2 * 60 * 60;

/** The consumer's limits, with the defaults for a document written without them. */
export function blastRadiusOf(policy: ConsumerPolicy): BlastRadiusPolicy {
  return policy.blastRadius ?? DEFAULT_BLAST_RADIUS;
}

/** Seconds the outgoing key stays enabled: none when the cap leaves room for one key only. */
export function graceUnderCap(policy: ConsumerPolicy): number {
  return blastRadiusOf(policy).maxLiveKeys === 1 ? 0 : policy.gracePeriodSeconds;
}

/** The outgoing version as finishSecret read it. */
export interface OutgoingVersion {
  readonly versionId: string;
  /** When its key was made: the version became current at about this time. */
  readonly createdAt: Date;
}

/** A key in the API Gateway of its region, with the plans its version recorded. */
export interface PlacedKey {
  readonly keys: ApiKeyStore;
  readonly keyId: string;
  readonly planIds: readonly string[];
}

/**
 * Retires the keys of the AWSPREVIOUS version, one per region of the consumer, when the cap
 * leaves no room for them and they may still be enabled. Returns the retired key ids. Called
 * by finishSecret before the move. Each key is retired only when its record proof holds.
 */
export async function retireBeyondCap(
  ctx: StepContext,
  outgoing: OutgoingVersion
): Promise<string[]> {
  const { runtime, secret, policy } = ctx;
  const previous = versionStagedAs(secret, PREVIOUS_STAGE);
  if (previous === undefined || previous === ctx.token || previous === outgoing.versionId) {
    return [];
  }
  // Terraform's placeholder holds no key.
  if (secret.versions.get(previous)?.includes(BOOTSTRAP_STAGE) === true) return [];
  // When the outgoing version became current: its key's creation, or a later completed rotation.
  const since = Math.max(outgoing.createdAt.getTime(), secret.lastRotatedDate?.getTime() ?? 0);
  const stillInGrace =
    runtime.now().getTime() < since + (graceUnderCap(policy) + SWEEP_SLACK_SECONDS) * 1000;
  if (!stillInGrace) return [];
  const content = await runtime.secrets.read(secret.arn, previous);
  if (content.kind !== 'issued') return [];
  const { value } = content;
  const records = [
    { keyId: value.keyId, proof: value.proof, planIds: value.usagePlanIds },
    ...(value.regions ?? []).map((r) => ({ ...r, planIds: r.usagePlanIds })),
  ];
  const proven: PlacedKey[] = [];
  for (const record of records) {
    const region = 'region' in record ? record.region : undefined;
    const subject = {
      ...originOf(ctx),
      versionId: previous,
      keyId: record.keyId,
      ...(region === undefined ? {} : { region }),
    };
    if (await runtime.ownership.holds(subject, record.proof, 'retire beyond the live-key cap')) {
      const keys = region === undefined ? runtime.keys : runtime.regions.in(region).keys;
      proven.push({ keys, keyId: record.keyId, planIds: record.planIds });
    }
  }
  const retired = await retireAll(ctx, proven);
  if (retired.length > 0) {
    log.info('retired a key beyond the live-key cap', {
      secretArn: secret.arn,
      versionId: ctx.token,
      keyIds: retired,
      maxLiveKeys: blastRadiusOf(policy).maxLiveKeys,
    });
  }
  return retired;
}

/**
 * With the cap at 1, retires the outgoing version's keys (proven by finishSecret, one per
 * region) once their successor is current. Returns the retired key ids.
 */
export async function retireOutgoingUnderCap(
  ctx: StepContext,
  outgoing: readonly PlacedKey[]
): Promise<string[]> {
  if (blastRadiusOf(ctx.policy).maxLiveKeys !== 1) return [];
  return retireAll(ctx, outgoing);
}

/** Retires each key, in the order given; returns the ids of those that still existed. */
async function retireAll(ctx: StepContext, placed: readonly PlacedKey[]): Promise<string[]> {
  const { runtime } = ctx;
  const deleteAfter = new Date(runtime.now().getTime() + runtime.env.deleteAfterSeconds * 1000);
  const retired: string[] = [];
  for (const { keys, keyId, planIds } of placed) {
    if (await retireKey(keys, { keyId, planIds, deleteAfter })) retired.push(keyId);
  }
  return retired;
}

/** What the sweep does about the caps for one consumer's keys. */
export interface CapExcess {
  /** Enabled keys beyond the live-key cap: retire now. */
  readonly retire: ReadonlySet<string>;
  /** Retired keys beyond the retained-key cap, oldest first: delete now. */
  readonly delete: ReadonlySet<string>;
}

/**
 * The keys of one consumer beyond its caps at `now`. `keys` are the consumer's keys; the current
 * key always stays and counts as live; those of `keep` (a rotation in progress: its key is in no
 * plan until finishSecret, which retires the oldest live key itself) stay and do not count, so a
 * stuck rotation does not cut the grace of the outgoing key. Newer keys are kept first. An
 * enabled key past its retire-after still counts as live: the traffic watch may hold it
 * (traffic-watch.ts), and a held key is as live as any. Retired keys past their delete-after
 * leave anyway and do not count.
 */
export function keysBeyondCaps(
  keys: readonly ManagedKey[],
  currentKeyId: string | undefined,
  keep: ReadonlySet<string>,
  limits: BlastRadiusPolicy,
  now: Date
): CapExcess {
  const fixed = (key: ManagedKey) => key.id === currentKeyId || keep.has(key.id);
  const due = (at: Date | undefined) => at !== undefined && at.getTime() <= now.getTime();
  // An undated key made within the hour may be a rotation's the listing does not show yet.
  const inFlight = (key: ManagedKey) =>
    key.enabled &&
    key.retireAfter === undefined &&
    now.getTime() - (key.createdDate?.getTime() ?? 0) < RECENT_KEY_MS;
  const counted = newestFirst(
    keys.filter((key) => fixed(key) || !(key.enabled ? inFlight(key) : due(key.deleteAfter)))
  );
  const live = counted.filter((key) => key.enabled && key.id === currentKeyId).length;
  const others = counted.filter((key) => key.enabled && !fixed(key));
  const retire = others.slice(Math.max(0, limits.maxLiveKeys - live)).map((key) => key.id);
  const retained = counted.filter((key) => !key.enabled && !fixed(key));
  const room = Math.max(0, limits.maxRetainedKeys - retire.length);
  return {
    retire: new Set(retire),
    delete: new Set(retained.slice(room).map((key) => key.id)),
  };
}

/**
 * The sweep's action for a key once the caps are applied, before the traffic watch: a key beyond
 * the live-key cap that the sweep would keep enabled, or would retire at the end of its grace
 * (where the watch could hold it), is retired for the cap; a retired key beyond the
 * retained-key cap is deleted now rather than at its delete-after. The current key and a pending
 * one are never touched.
 */
export function withCaps(
  action: KeyAction,
  excess: 'retire' | 'delete' | undefined,
  memberOf: ReadonlySet<string>
): KeyAction {
  const keptEnabled =
    (action.kind === 'keep' && action.reason === 'in-grace') ||
    (action.kind === 'retire' && action.reason === 'expired') ||
    action.kind === 'schedule-retirement';
  if (excess === 'retire' && keptEnabled) {
    return { kind: 'retire', reason: 'over-cap', planIds: [...memberOf].sort() };
  }
  const awaitingDeletion =
    (action.kind === 'keep' && action.reason === 'awaiting-deletion') ||
    action.kind === 'schedule-deletion';
  if (excess === 'delete' && awaitingDeletion) return { kind: 'delete', reason: 'over-cap' };
  return action;
}
