/**
 * The hourly sweep: retire outgoing keys after their grace period, delete retired keys after
 * the delete period, retire orphans, keep each current key enabled and in exactly its declared
 * plans, and re-issue a key for a consumer whose current key was deleted out of band.
 *
 * Reads scale with list pages, not with keys: ListSecrets (100 a page), GetApiKeys (500 a page,
 * tags included), GetUsagePlans (500 a page) and GetUsagePlanKeys per plan (500 a page) give
 * the whole picture; per-key reads happen only for anomalies (a key whose secret is not listed,
 * a current key about to be re-enabled or given plans, a current version with no key).
 *
 * Work is bounded: a budget of mutating calls and a deadline. Keys are processed in id order;
 * when either runs out the sweep returns a cursor to resume after the last finished key. A
 * fresh sweep also makes progress, because keys already in their target state cost nothing.
 * Before it changes a key it verifies the key's ownership proof (ownership.ts): a key that
 * only carries this service's tags is counted as unproven and left alone.
 * Outgoing keys still enabled are watched (traffic-watch.ts): from their usage counters the
 * sweep retires them early, holds them past their grace period while still used, and shares
 * each plan's quota between them and the current key; per such key it reads GetUsage per plan.
 * It also counts the consumers whose current key is overdue (older than its rotation schedule
 * plus KEYPLANE_OVERDUE_MARGIN_SECONDS), from the same listings. It logs a single summary line
 * of counts.
 *
 * A service whose consumers declare further regions (key-regions.ts) is swept region by region,
 * the function's own first: in each the same rules apply to the keys there, against each
 * consumer's plans in that region. A key a rotation could not retire in one region (the region
 * failed) is still enabled there with its retire-after tag, so the next sweep retires it; a
 * consumer whose current version names no key in a declared region (the region was added, or
 * its key deleted out of band) is healed by a rotation, which makes the key in every region.
 */
import {
  KeyTag,
  type SweepCounts,
  type SweepPlannedChange,
  type SweepResult,
} from '../../contract';
import { UsagePlanConflict, UsagePlanNotFound } from './api-key-store';
import type { ApiKeyStore } from './api-key-store';
import { readConsumerPolicy, type ConsumerPolicy } from './consumer-policy';
import { keyBudgetOf, keysHeld, refuseBeyondKeyBudget, serviceKeys } from './key-budget';
import { declaresRegion, policyInRegion, regionalKeyOf, serviceRegions } from './key-regions';
import { blastRadiusOf, keysBeyondCaps, withCaps } from './live-key-cap';
import { createLogger } from './log';
import { instantTag, type ManagedKey } from './managed-key';
import { whyNotManaged } from './managed-secret';
import { isOverdue } from './overdue';
import { retireKey } from './retire';
import { inProcessRotationCost, rotateNow } from './rotate-now';
import type { Runtime } from './runtime';
import { rotationInProgress, Stage, versionStagedAs, type SecretState } from './secret-store';
import type { VersionContent } from './secret-value';
import { decodeCursor, decodeCursorRegion, encodeCursor } from './sweep-cursor';
import { actionCost, decideKeyAction, type KeyAction, type KeySecret } from './sweep-decision';
import { watchPair, type QuotaChange } from './traffic-watch';
import type { PlanInfo, UsageCounters } from './usage-counters';
import { WorkBudget } from './work-budget';

const log = createLogger('sweep');

export type { SweepCounts, SweepResult } from '../../contract';

export interface SweepLimits {
  /** Mutating AWS calls one invocation may make. */
  readonly maxMutatingCalls: number;
  /** Time kept in reserve before the Lambda timeout: no new work starts inside it. */
  readonly safetyMarginMs: number;
}

/** At the paced 5 calls/s, 300 calls take about a minute. */
export const SWEEP_LIMITS: SweepLimits = { maxMutatingCalls: 300, safetyMarginMs: 15_000 };

export interface SweepOptions {
  readonly cursor?: string;
  /** Milliseconds left before the Lambda timeout, when known. */
  readonly remainingTimeMs?: number;
  readonly limits?: SweepLimits;
  /** Change nothing; list what would change in the result's `planned`. @default false */
  readonly dryRun?: boolean;
}

export async function sweep(runtime: Runtime, options: SweepOptions = {}): Promise<SweepResult> {
  const limits = options.limits ?? SWEEP_LIMITS;
  const clock = (): number => runtime.now().getTime();
  const started = clock();
  const after = decodeCursor(options.cursor);
  const resumeRegion = decodeCursorRegion(options.cursor);
  const deadline =
    options.remainingTimeMs === undefined
      ? undefined
      : started + options.remainingTimeMs - limits.safetyMarginMs;
  const budget = new WorkBudget(limits.maxMutatingCalls, deadline, clock);
  const places = sweepPlaces(runtime);
  const first = Math.max(
    0,
    places.findIndex((place) => place.region === resumeRegion)
  );
  // Listed once for every region, before any key is listed (see SweepRun.execute), and
  // audited once: a secret is not reported again for each region.
  const listed = await listManagedSecrets(runtime);
  const counts = emptySweepCounts();
  const planned: SweepPlannedChange[] = [];
  let overdueConsumers = 0;
  /** The most keys the service holds in any one region: the budget holds in each. */
  let keysHeld = 0;
  let stopped: { after: string; region?: string } | undefined;
  for (const [index, place] of places.slice(first).entries()) {
    const run = new SweepRun(runtime, place, listed, budget, options.dryRun === true);
    let outcome: RunOutcome;
    try {
      outcome = await run.execute(index === 0 ? after : undefined);
    } catch (error) {
      // A further region that cannot be read is left for the next sweep; the others go on.
      if (place.region === undefined) throw error;
      counts.failures++;
      log.error('could not sweep a region; the next sweep tries it again', {
        region: place.region,
        error,
      });
      continue;
    }
    addCounts(counts, run.counts);
    planned.push(...run.planned.map((c) => (place.region ? { ...c, region: place.region } : c)));
    overdueConsumers += run.overdueConsumers;
    keysHeld = Math.max(keysHeld, run.keysHeld);
    if (!outcome.complete) {
      stopped = { after: outcome.stoppedAfter ?? '', region: place.region };
      break;
    }
  }
  const found = {
    counts,
    overdueConsumers,
    keysHeld,
    keyBudget: keyBudgetOf(runtime.env),
    ...(options.dryRun === true ? { planned } : {}),
  };
  const result: SweepResult =
    stopped === undefined
      ? { complete: true, ...found }
      : { complete: false, cursor: encodeCursor(stopped.after, stopped.region), ...found };
  log.info('sweep summary', {
    complete: result.complete,
    resumed: after !== undefined,
    ...(options.dryRun === true ? { dryRun: true, planned: planned.length } : {}),
    ...counts,
    overdueConsumers,
    ...(places.length > 1 ? { regions: places.length } : {}),
    mutatingCalls: budget.mutatingCalls,
    durationMs: clock() - started,
  });
  return result;
}

/** Where a sweep works: API Gateway in the function's region (no `region`) or a further one. */
interface SweepPlace {
  readonly region?: string;
  readonly keys: ApiKeyStore;
  readonly usage: UsageCounters;
}

/** The function's own region, then every further region a consumer declares, by name. */
function sweepPlaces(runtime: Runtime): SweepPlace[] {
  return [
    { keys: runtime.keys, usage: runtime.usage },
    ...serviceRegions(runtime.env).map((region) => runtime.regions.in(region)),
  ];
}

/** A managed secret, listed once per sweep, and the deployer's policy for it. */
interface ListedSecret {
  readonly state: SecretState;
  readonly declared: ConsumerPolicy;
}

/** The function's secrets by ARN: each listed, or null when being deleted. */
type ListedSecrets = ReadonlyMap<string, ListedSecret | null>;

/** The secrets under the prefix the deployer declares; any other one is reported, not swept. */
async function listManagedSecrets(runtime: Runtime): Promise<ListedSecrets> {
  const { env, secrets } = runtime;
  const listed = new Map<string, ListedSecret | null>();
  for (const state of await secrets.listByNamePrefix(env.secretPrefix)) {
    const reason = whyNotManaged(state, env);
    if (reason === undefined) {
      listed.set(
        state.arn,
        state.deleted ? null : { state, declared: readConsumerPolicy(runtime, state, 'sweep') }
      );
    } else if (!state.deleted) {
      runtime.policyAudit.unmanagedSecret(state.arn, reason);
    }
  }
  return listed;
}

function addCounts(total: SweepCounts, more: SweepCounts): void {
  for (const name of Object.keys(total) as (keyof SweepCounts)[]) total[name] += more[name];
}

interface RunOutcome {
  readonly complete: boolean;
  /** Id of the last key finished, when the run stopped before the end. */
  readonly stoppedAfter?: string;
}

/** Counts of a sweep that has done nothing yet. */
export function emptySweepCounts(): SweepCounts {
  return {
    keysExamined: 0,
    reconciled: 0,
    plansAdded: 0,
    plansRemoved: 0,
    reenabled: 0,
    retired: 0,
    orphansRetired: 0,
    retiredEarly: 0,
    held: 0,
    quotaRebalanced: 0,
    retirementsScheduled: 0,
    deletionsScheduled: 0,
    deleted: 0,
    healed: 0,
    skipped: 0,
    unproven: 0,
    retiredOverCap: 0,
    deletedOverCap: 0,
    failures: 0,
  };
}

interface SecretView {
  readonly state: SecretState;
  /** The consumer's policy in the sweep's region. */
  readonly policy?: ConsumerPolicy;
  /** The consumer's policy as declared, every region included. */
  readonly declared?: ConsumerPolicy;
}

/** One invocation's sweep: its snapshot of secrets, keys and plans, and its counts. */
class SweepRun {
  readonly counts: SweepCounts = emptySweepCounts();
  /** Consumers whose current key is overdue, counted once the listings are in. */
  overdueConsumers = 0;
  /** Secrets by ARN; null marks one that is gone, undefined one not looked up yet. */
  private readonly secrets = new Map<string, SecretView | null>();
  /** What AWSCURRENT holds, for secrets whose current version has no listed key. */
  private readonly keylessCurrents = new Map<string, VersionContent>();
  /** In a dry run: the changes found, none made. */
  readonly planned: SweepPlannedChange[] = [];
  /** Every usage plan, with its quota. */
  private plans = new Map<string, PlanInfo>();
  /** Plan ids per managed key. */
  private memberships = new Map<string, Set<string>>();
  /** The key each secret's AWSCURRENT version names, from the listing. */
  private readonly currentKeys = new Map<string, ManagedKey>();
  /** Keys beyond their consumer's live- or retained-key cap (live-key-cap.ts). */
  private beyondCaps = new Map<string, 'retire' | 'delete'>();
  /** The service's keys in the sweep's region (key-budget.ts keysHeld), as listed. */
  private heldKeys = 0;

  /** The keys held after this run: as listed, less those it deleted. */
  get keysHeld(): number {
    return this.heldKeys - this.counts.deleted;
  }

  constructor(
    private readonly runtime: Runtime,
    private readonly place: SweepPlace,
    private readonly listed: ListedSecrets,
    private readonly budget: WorkBudget,
    private readonly dryRun: boolean
  ) {}

  async execute(after: string | undefined): Promise<RunOutcome> {
    const { env } = this.runtime;
    const { keys } = this.place;
    // Secrets first (listed by sweep()), keys second: a rotation finishing in between leaves its
    // old current key listed, so no consumer ever looks keyless to the heal phase.
    for (const [arn, listed] of this.listed) {
      this.secrets.set(arn, listed === null ? null : this.inRegion(listed.state, listed.declared));
    }
    const managed = (await keys.listAll())
      .filter((key) => key.service === env.service)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Counted once, where the secrets' versions name their keys: the function's own region.
    if (this.place.region === undefined) this.overdueConsumers = this.countOverdue(managed);
    const memberships = await this.listMemberships(new Set(managed.map((key) => key.id)));
    this.memberships = memberships;
    for (const key of managed) {
      const known = key.secretArn === undefined ? undefined : this.secrets.get(key.secretArn);
      if (known && versionStagedAs(known.state, Stage.CURRENT) === key.secretVersion) {
        this.currentKeys.set(key.secretArn ?? '', key);
      }
    }
    await this.readKeylessCurrents(managed);
    this.heldKeys = await keysHeld(
      this.runtime,
      serviceKeys(env, managed),
      keyBudgetOf(this.runtime.env)
    );
    this.beyondCaps = await this.keysBeyondCaps(managed);
    if (this.budget.outOfTime()) return { complete: false, stoppedAfter: after };

    let lastDone = after;
    for (const key of managed) {
      if (after !== undefined && key.id <= after) continue;
      const stop = await this.processKey(key, memberships.get(key.id) ?? new Set());
      if (stop) return { complete: false, stoppedAfter: lastDone };
      lastDone = key.id;
    }
    const healed = await this.healMissingCurrentKeys(managed);
    return healed ? { complete: true } : { complete: false, stoppedAfter: lastDone };
  }

  /** Live consumers whose current key (or, keyless, whose secret) is past due plus the margin. */
  private countOverdue(managed: readonly ManagedKey[]): number {
    const created = new Map(
      managed.map((key) => [
        versionKey(key.secretArn, key.secretVersion),
        key.adoptedAt ?? key.createdDate,
      ])
    );
    const { now, env } = this.runtime;
    let overdue = 0;
    for (const [arn, known] of this.secrets) {
      if (known === null || known.policy === undefined) continue;
      const current = versionStagedAs(known.state, Stage.CURRENT);
      const keyCreated = current === undefined ? undefined : created.get(versionKey(arn, current));
      if (isOverdue(known.state, keyCreated, now(), env.overdueMarginSeconds)) overdue++;
    }
    return overdue;
  }

  /**
   * Reads AWSCURRENT of each live secret whose current version has no listed key. One edited
   * by hand into something that is not keyplane JSON is reported, and its keys are left alone
   * until it is restored or rotated: which key its consumers hold is then unknown, and retiring
   * the last readable one could cut them off.
   */
  private async readKeylessCurrents(managed: readonly ManagedKey[]): Promise<void> {
    const withKey = new Set(managed.map((key) => versionKey(key.secretArn, key.secretVersion)));
    for (const [arn, known] of this.secrets) {
      if (known === null || !this.inPlace(known)) continue;
      const current = versionStagedAs(known.state, Stage.CURRENT);
      if (current === undefined || withKey.has(versionKey(arn, current))) continue;
      try {
        const content = await this.runtime.secrets.read(arn, current);
        this.keylessCurrents.set(arn, content);
        if (content.kind === 'unrecognized') {
          this.counts.failures++;
          log.error('the current version is not keyplane JSON: restore its value or rotate', {
            secretArn: arn,
            versionId: current,
          });
        }
      } catch (error) {
        this.counts.failures++;
        log.error('could not read the current version of a secret', { secretArn: arn, error });
      }
    }
  }

  /** Plan ids per managed key, from every plan's member list. */
  private async listMemberships(ids: ReadonlySet<string>): Promise<Map<string, Set<string>>> {
    const memberships = new Map<string, Set<string>>();
    this.plans = new Map((await this.place.usage.plans()).map((plan) => [plan.id, plan]));
    for (const planId of this.plans.keys()) {
      for (const keyId of await this.place.keys.listPlanMembers(planId)) {
        if (!ids.has(keyId)) continue;
        const plans = memberships.get(keyId) ?? new Set<string>();
        plans.add(planId);
        memberships.set(keyId, plans);
      }
    }
    return memberships;
  }

  /** Handles one key; true when the budget or the deadline says stop before it. */
  private async processKey(key: ManagedKey, memberOf: ReadonlySet<string>): Promise<boolean> {
    if (this.budget.outOfTime()) return true;
    if (key.secretArn === undefined || key.secretVersion === undefined) {
      this.counts.keysExamined++;
      this.counts.skipped++;
      log.warn('a key tagged with this service has no origin tags; left alone', { keyId: key.id });
      return false;
    }
    if (this.keylessCurrents.get(key.secretArn)?.kind === 'unrecognized') {
      this.counts.keysExamined++;
      this.counts.skipped++;
      return false;
    }
    let action: KeyAction;
    let keySecret: KeySecret | undefined;
    try {
      keySecret = await this.secretOf(key.secretArn);
      if (keySecret === undefined) {
        this.counts.keysExamined++;
        this.counts.skipped++;
        return false;
      }
      action = decideKeyAction(
        key,
        keySecret,
        memberOf,
        this.runtime.now(),
        this.runtime.env.deleteAfterSeconds
      );
    } catch (error) {
      this.counts.keysExamined++;
      this.fail('could not look up the secret of a key', key, error);
      return false;
    }
    action = withCaps(action, this.beyondCaps.get(key.id), memberOf);
    try {
      action = await this.watchTraffic(key, keySecret, memberOf, action);
    } catch (error) {
      // Without its counters the key is treated as before: kept in grace, retired after it.
      this.fail('could not read the usage of an outgoing key', key, error);
    }
    if (this.dryRun) {
      this.counts.keysExamined++;
      // A watch that only moves the traffic mark is bookkeeping, not a change worth listing.
      const markOnly = action.kind === 'watch' && !action.held && action.quota.length === 0;
      if (action.kind !== 'keep' && !markOnly) this.planned.push(plannedChange(key, action));
      return false;
    }
    const cost = actionCost(action);
    if (cost > 0 && !this.budget.canAfford(cost)) return true;
    this.counts.keysExamined++;
    if (cost > 0 && !(await this.owns(key, action))) return false;
    this.budget.spend(cost);
    try {
      await this.apply(key, action);
    } catch (error) {
      this.fail(`could not ${action.kind} a key`, key, error);
    }
    return false;
  }

  /**
   * For an enabled outgoing key with a grace period running or just ended: the decision from
   * its traffic (retire early, keep, hold, retire) and the quota shares (traffic-watch.ts).
   */
  private async watchTraffic(
    key: ManagedKey,
    keySecret: KeySecret,
    memberOf: ReadonlySet<string>,
    action: KeyAction
  ): Promise<KeyAction> {
    const outgoing =
      (action.kind === 'keep' && action.reason === 'in-grace') ||
      (action.kind === 'retire' && action.reason === 'expired');
    if (!outgoing || keySecret.kind !== 'live' || keySecret.policy === undefined) return action;
    const { carryQuota, quietPeriodSeconds, maxHoldSeconds } = keySecret.policy;
    const watching = carryQuota || quietPeriodSeconds > 0 || maxHoldSeconds > 0;
    if (!watching || key.retireAfter === undefined) return action;
    const current = this.currentKeys.get(keySecret.secret.arn);
    const outcome = await watchPair(
      this.place.usage,
      this.plans,
      {
        outgoing: key,
        retireAfter: key.retireAfter,
        ...(current === undefined ? {} : { current }),
        policy: keySecret.policy,
        outgoingPlans: memberOf,
        currentPlans:
          current === undefined ? new Set() : (this.memberships.get(current.id) ?? new Set()),
      },
      this.runtime.now()
    );
    const { verdict } = outcome;
    if (verdict.kind === 'retire') {
      const planIds = [...memberOf].sort();
      return outcome.quota.length === 0
        ? { kind: 'retire', reason: verdict.reason, planIds }
        : { kind: 'retire', reason: verdict.reason, planIds, restore: outcome.quota };
    }
    const held = verdict.kind === 'hold';
    if (!held && Object.keys(outcome.tags).length === 0 && outcome.quota.length === 0) {
      return { kind: 'keep', reason: 'in-grace' };
    }
    return { kind: 'watch', held, tags: outcome.tags, quota: outcome.quota };
  }

  /** Whether the key carries a valid ownership proof; a key without one is counted, untouched. */
  private async owns(key: ManagedKey, action: KeyAction): Promise<boolean> {
    try {
      if (await this.runtime.ownership.ownsKey(key, `sweep ${action.kind}`)) return true;
      this.counts.unproven++;
    } catch (error) {
      this.fail('could not verify the ownership proof of a key', key, error);
    }
    return false;
  }

  private async apply(key: ManagedKey, action: KeyAction): Promise<void> {
    const { env, now } = this.runtime;
    const { keys } = this.place;
    switch (action.kind) {
      case 'keep':
        if (action.reason === 'invalid-policy') {
          this.counts.failures++;
          log.warn('the secret of a current key has invalid tags; plans not reconciled', {
            keyId: key.id,
            secretArn: key.secretArn,
          });
        }
        return;
      case 'reconcile':
        await this.reconcile(key, action);
        return;
      case 'retire': {
        await this.setQuotas(key, action.restore ?? [], action);
        const deleteAfter = new Date(now().getTime() + env.deleteAfterSeconds * 1000);
        const retired = await retireKey(keys, {
          keyId: key.id,
          planIds: action.planIds,
          deleteAfter,
        });
        if (retired) {
          if (action.reason === 'orphaned') this.counts.orphansRetired++;
          else if (action.reason === 'quiet') this.counts.retiredEarly++;
          else if (action.reason === 'over-cap') this.counts.retiredOverCap++;
          else this.counts.retired++;
        }
        log.debug('retired a key', { keyId: key.id, reason: action.reason });
        return;
      }
      case 'watch':
        await this.applyWatch(key, action);
        return;
      case 'schedule-retirement':
        if (await keys.tag(key.id, { [KeyTag.RETIRE_AFTER]: instantTag(action.retireAfter) })) {
          this.counts.retirementsScheduled++;
        }
        return;
      case 'schedule-deletion':
        if (await keys.tag(key.id, { [KeyTag.DELETE_AFTER]: instantTag(action.deleteAfter) })) {
          this.counts.deletionsScheduled++;
        }
        return;
      case 'delete':
        if (await keys.delete(key.id)) {
          this.counts.deleted++;
          if (action.reason === 'over-cap') this.counts.deletedOverCap++;
        }
        log.debug('deleted a retired key', { keyId: key.id });
        return;
    }
  }

  /**
   * Shares the quota and leaves the traffic mark on an outgoing key kept enabled. The current
   * key's share is set only once its own ownership proof holds.
   */
  private async applyWatch(
    key: ManagedKey,
    action: Extract<KeyAction, { kind: 'watch' }>
  ): Promise<void> {
    const { keys } = this.place;
    if (action.held) {
      this.counts.held++;
      log.warn('an outgoing key is still in use after its grace period; held', {
        keyId: key.id,
        secretArn: key.secretArn,
        heldSince: key.heldSince ?? action.tags[KeyTag.HELD_SINCE],
      });
    }
    await this.setQuotas(key, action.quota, action);
    if (Object.keys(action.tags).length > 0) await keys.tag(key.id, action.tags);
  }

  /** Sets remaining quotas of an outgoing key and of its consumer's current key, once proven. */
  private async setQuotas(
    key: ManagedKey,
    changes: readonly QuotaChange[],
    action: KeyAction
  ): Promise<void> {
    for (const change of changes) {
      if (change.keyId !== key.id) {
        const current = this.currentKeys.get(key.secretArn ?? '');
        if (current === undefined || !(await this.owns(current, action))) continue;
      }
      await this.place.usage.setRemaining(change.planId, change.keyId, change.remaining);
      this.counts.quotaRebalanced++;
    }
  }

  /** Brings a current key back in line, after checking it is still current. */
  private async reconcile(
    key: ManagedKey,
    action: Extract<KeyAction, { kind: 'reconcile' }>
  ): Promise<void> {
    const { secrets } = this.runtime;
    const { keys } = this.place;
    if (action.enable || action.addTo.length > 0) {
      // Enabling or adding plans undoes a revoke if the snapshot is stale: check first.
      const fresh = await secrets.describe(key.secretArn ?? '');
      if (fresh === undefined || versionStagedAs(fresh, Stage.CURRENT) !== key.secretVersion) {
        this.counts.skipped++;
        return;
      }
    }
    if (action.enable && (await keys.setEnabled(key.id, true))) this.counts.reenabled++;
    for (const planId of action.addTo) {
      try {
        await keys.addToPlan(planId, key.id);
        this.counts.plansAdded++;
      } catch (error) {
        if (error instanceof UsagePlanConflict) {
          this.fail(`API Gateway refused to add the key to usage plan ${planId}`, key, error);
        } else if (error instanceof UsagePlanNotFound) {
          this.fail(`declared usage plan ${planId} does not exist`, key, error);
        } else {
          throw error;
        }
      }
    }
    for (const planId of action.removeFrom) {
      if ((await keys.removeFromPlan(planId, key.id)) === 'removed') this.counts.plansRemoved++;
    }
    this.counts.reconciled++;
  }

  /**
   * Per live consumer, its keys in the sweep's region beyond the live- and retained-key caps.
   * Only keys whose proof holds count, so a key planted with a consumer's tags cannot push that
   * consumer's own keys out; proofs are checked only for a consumer that has more keys than its
   * caps allow.
   */
  private async keysBeyondCaps(
    managed: readonly ManagedKey[]
  ): Promise<Map<string, 'retire' | 'delete'>> {
    const beyond = new Map<string, 'retire' | 'delete'>();
    const bySecret = new Map<string, ManagedKey[]>();
    for (const key of managed) {
      if (key.secretArn === undefined) continue;
      bySecret.set(key.secretArn, [...(bySecret.get(key.secretArn) ?? []), key]);
    }
    for (const [arn, known] of this.secrets) {
      if (known === null || known.policy === undefined) continue;
      const limits = blastRadiusOf(known.policy);
      const pending = rotationInProgress(known.state);
      const keys = bySecret.get(arn) ?? [];
      const keep = new Set(
        keys.filter((key) => key.secretVersion === pending).map((key) => key.id)
      );
      const current = this.currentKeys.get(arn)?.id;
      let excess = keysBeyondCaps(keys, current, keep, limits, this.runtime.now());
      if (excess.retire.size === 0 && excess.delete.size === 0) continue;
      try {
        const owned = await this.runtime.ownership.ownedOnly(keys, 'apply the live-key cap');
        excess = keysBeyondCaps(owned, current, keep, limits, this.runtime.now());
      } catch (error) {
        this.counts.failures++;
        log.warn('could not verify the keys of a consumer over its caps', {
          secretArn: arn,
          error,
        });
        continue;
      }
      for (const id of excess.retire) beyond.set(id, 'retire');
      for (const id of excess.delete) beyond.set(id, 'delete');
    }
    return beyond;
  }

  /** A managed secret and the deployer's policy for it, as it applies in the sweep's region. */
  private view(state: SecretState): SecretView {
    return this.inRegion(state, readConsumerPolicy(this.runtime, state, 'sweep'));
  }

  private inRegion(state: SecretState, declared: ConsumerPolicy): SecretView {
    const { region } = this.place;
    return {
      state,
      policy: region === undefined ? declared : policyInRegion(declared, region),
      declared,
    };
  }

  /** True when the secret's consumer has a key in the sweep's region. */
  private inPlace(known: SecretView): boolean {
    const { region } = this.place;
    return (
      region === undefined ||
      (known.declared !== undefined && declaresRegion(known.declared, region))
    );
  }

  /**
   * The secret a key points to. One not in the listing is described (ListSecrets is eventually
   * consistent): gone or scheduled for deletion makes the key an orphan; a secret that is not
   * this function's leaves the key alone (undefined).
   */
  private async secretOf(arn: string): Promise<KeySecret | undefined> {
    let known = this.secrets.get(arn);
    if (known === undefined) {
      const state = await this.runtime.secrets.describe(arn);
      if (state !== undefined && whyNotManaged(state, this.runtime.env) !== undefined) {
        return undefined;
      }
      known = state === undefined || state.deleted ? null : this.view(state);
      this.secrets.set(arn, known);
    }
    if (known === null) return { kind: 'gone' };
    return known.policy === undefined
      ? { kind: 'live', secret: known.state }
      : { kind: 'live', secret: known.state, policy: known.policy };
  }

  /**
   * The invariant says the key AWSCURRENT names exists. For each live consumer whose current
   * version has no managed key in the listing, confirm the key is really gone and rotate in
   * process. False when the budget or the deadline stopped it.
   */
  private async healMissingCurrentKeys(managed: readonly ManagedKey[]): Promise<boolean> {
    const withKey = new Set(managed.map((key) => versionKey(key.secretArn, key.secretVersion)));
    for (const [arn, known] of this.secrets) {
      if (known === null || known.declared === undefined || !known.state.rotationEnabled) continue;
      if (!this.inPlace(known)) continue;
      const current = versionStagedAs(known.state, Stage.CURRENT);
      if (current === undefined || withKey.has(versionKey(arn, current))) continue;
      if (rotationInProgress(known.state) !== undefined) continue;
      if (this.budget.outOfTime()) return false;
      try {
        const content = this.keylessCurrents.get(arn);
        // The bootstrap placeholder (first rotation pending), or reported as unreadable.
        if (content?.kind !== 'issued') continue;
        const { region } = this.place;
        // In a further region, a version made before the region was declared names no key there.
        const missingKeyId =
          region === undefined ? content.value.keyId : regionalKeyOf(content.value, region)?.keyId;
        if (missingKeyId !== undefined && (await this.place.keys.get(missingKeyId)) !== undefined) {
          continue;
        }
        if (this.dryRun) {
          this.planned.push({
            action: 'heal',
            ...(missingKeyId === undefined ? {} : { keyId: missingKeyId }),
            secretArn: arn,
          });
          continue;
        }
        const cost = inProcessRotationCost(known.declared);
        if (!this.budget.canAfford(cost)) return false;
        await refuseBeyondKeyBudget(this.runtime, arn, 'sweep', managed);
        this.budget.spend(cost);
        const rotation = await rotateNow(
          this.runtime,
          known.state,
          known.declared,
          known.declared.gracePeriodSeconds
        );
        this.counts.healed++;
        log.warn('the current key was missing; issued a new one', {
          secretArn: arn,
          ...(region === undefined ? {} : { region }),
          missingKeyId,
          keyId: rotation.keyId,
          versionId: rotation.versionId,
        });
      } catch (error) {
        this.counts.failures++;
        log.error('could not replace a missing current key', { secretArn: arn, error });
      }
    }
    return true;
  }

  private fail(message: string, key: ManagedKey, error: unknown): void {
    this.counts.failures++;
    log.warn(message, { keyId: key.id, secretArn: key.secretArn, error });
  }
}

/** How a dry run reports the action decided for `key`. */
function plannedChange(
  key: ManagedKey,
  action: Exclude<KeyAction, { kind: 'keep' }>
): SweepPlannedChange {
  const change = { action: action.kind, keyId: key.id, secretArn: key.secretArn };
  switch (action.kind) {
    case 'retire':
      return { ...change, detail: action.reason };
    case 'reconcile': {
      const parts = [
        ...(action.enable ? ['enable'] : []),
        ...action.addTo.map((id) => `add to ${id}`),
        ...action.removeFrom.map((id) => `remove from ${id}`),
      ];
      return { ...change, detail: parts.join(', ') };
    }
    case 'watch':
      return {
        ...change,
        detail: [
          ...(action.held ? ['held: still in use after its grace period'] : []),
          ...action.quota.map((q) => `remaining ${q.remaining} for ${q.keyId} in ${q.planId}`),
        ].join(', '),
      };
    case 'schedule-retirement':
      return { ...change, detail: `retire after ${instantTag(action.retireAfter)}` };
    case 'schedule-deletion':
      return { ...change, detail: `delete after ${instantTag(action.deleteAfter)}` };
    case 'delete':
      return change;
  }
}

/** One secret version, as a map key. */
function versionKey(secretArn: string | undefined, versionId: string | undefined): string {
  return `${secretArn}\n${versionId}`;
}
