/**
 * Drift between what keyplane declares and what AWS holds, as named findings: a pure function
 * of the inventory, the consumers' status and the usage plans' members, in the client's region
 * and in each further region of the keys, so every rule is tested without AWS. Things the hourly sweep is in the middle of cleaning up (a disabled key
 * of a gone secret, waiting for its delete-after time) are not findings.
 */
import type { ApiKey } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../contract/tags';
import { currentKeyProblem } from './health';
import type { Inventory, RegionKeys } from './inventory';
import type { ConsumerStatus } from './status';

export type FindingKind =
  | 'unproven-key'
  | 'orphan-key'
  | 'wrong-plans'
  | 'rotation-failed'
  | 'pending-stuck'
  | 'current-key-broken'
  | 'no-key-yet'
  | 'undeclared-secret'
  | 'policy-tag-mismatch'
  | 'audit-failed';

export interface Finding {
  readonly kind: FindingKind;
  readonly service: string;
  /** The further region the finding is in; absent for the client's own region. */
  readonly region?: string;
  readonly consumer?: string;
  readonly keyId?: string;
  readonly secretArn?: string;
  /** One line for people: what is wrong and what to do. */
  readonly message: string;
}

/** A further region of the keys, with the plans each consumer's key must be in there. */
export interface FurtherRegion extends RegionKeys {
  readonly region: string;
  /** The plan ids the deployer's policy declares in the region, by secret ARN (policy-audit.ts). */
  readonly declaredPlans: ReadonlyMap<string, readonly string[]>;
  /**
   * The services whose function's audit answered (policy-audit.ts): a consumer of one of them
   * must have a current key in the region exactly when `declaredPlans` names it, so old keys of
   * a region it dropped are not a broken current key. A consumer of another service is checked
   * only when it has keys in the region, and not for plans.
   */
  readonly auditedServices: ReadonlySet<string>;
}

/**
 * The drift of the client's region (its keys in `inventory`, the plans' `members`) and of each
 * of the `further` regions: the same key rules in every region; the consumer's health in the
 * client's region; its current key in each region: there, enabled and in the declared plans.
 */
export function findDrift(
  inventory: Inventory,
  statuses: readonly ConsumerStatus[],
  members: ReadonlyMap<string, ReadonlySet<string>>,
  further: readonly FurtherRegion[] = []
): Finding[] {
  const liveSecrets = new Set(inventory.secrets.map((s) => s.ARN));
  const primary: RegionKeys = { keys: inventory.keys, plans: inventory.plans, members };
  const findings = keyDrift(primary, liveSecrets);
  for (const s of statuses) {
    const about = { service: s.service, consumer: s.consumer, secretArn: s.secretArn };
    const kind = healthFinding(s);
    if (kind !== undefined)
      findings.push({ kind, ...about, message: `${s.consumer}: ${s.health.reason}` });
    if (s.current !== undefined)
      findings.push(...planDrift(primary, s, s.current.keyId, s.planIds));
  }
  for (const region of further) {
    findings.push(...keyDrift(region, liveSecrets));
    for (const s of statuses) findings.push(...regionalCurrentKeyDrift(region, s));
  }
  return findings;
}

/** The findings about the keys of one region, whatever consumer they belong to. */
function keyDrift(view: RegionKeys, liveSecrets: ReadonlySet<string | undefined>): Finding[] {
  const { where, region } = placeOf(view);
  const findings: Finding[] = [];
  for (const key of view.keys) {
    const secretArn = key.tags?.[KeyTag.SECRET_ARN];
    const service = key.tags?.[KeyTag.SERVICE] ?? '';
    const keyId = key.id ?? '';
    const about = { service, ...region, keyId, ...(secretArn === undefined ? {} : { secretArn }) };
    if (key.tags?.[KeyTag.PROOF] === undefined) {
      // The function never touches a key it cannot prove it made (docs/trust.md). The doctor
      // cannot check a MAC (only the function's role may), so it names keys with none at all.
      findings.push({
        kind: 'unproven-key',
        ...about,
        message:
          `${where}key ${keyId} (${key.enabled ? 'enabled' : 'disabled'}) carries ${service}'s ` +
          'tags but no ownership proof: keyplane did not make it and will never change or ' +
          'delete it; whoever created it must',
      });
      continue;
    }
    if (secretArn === undefined || !liveSecrets.has(secretArn)) {
      if (!cleanupUnderway(key))
        findings.push({
          kind: 'orphan-key',
          ...about,
          message:
            `${where}key ${keyId} (${key.enabled ? 'enabled' : 'disabled'}) belongs to secret ` +
            `${secretArn ?? '(none tagged)'}, which is gone; the next sweep retires it, or delete it`,
        });
      continue;
    }
    if (!key.enabled) {
      const stillIn = plansOf(view, keyId);
      if (stillIn.length > 0)
        findings.push({
          kind: 'wrong-plans',
          ...about,
          message: `${where}disabled key ${keyId} is still in plan(s) ${stillIn.map(planName(view)).join(', ')}`,
        });
    }
  }
  return findings;
}

/**
 * A consumer's current key in a further region: missing or disabled, or in other plans than
 * the policy declares there. A consumer with no key issued yet is the client region's finding.
 */
function regionalCurrentKeyDrift(region: FurtherRegion, s: ConsumerStatus): Finding[] {
  const declared = region.declaredPlans.get(s.secretArn);
  const there = s.regions.find((r) => r.region === region.region);
  if (s.bootstrap || s.currentVersion === undefined) return [];
  const expected = region.auditedServices.has(s.service)
    ? declared !== undefined
    : there !== undefined;
  if (!expected) return [];
  const problem = currentKeyProblem(s.currentVersion, there?.current);
  const findings: Finding[] =
    problem === undefined
      ? []
      : [
          {
            kind: 'current-key-broken',
            service: s.service,
            region: region.region,
            consumer: s.consumer,
            secretArn: s.secretArn,
            ...(there?.current === undefined ? {} : { keyId: there.current.keyId }),
            message: `in ${region.region}: ${s.consumer}: ${problem}`,
          },
        ];
  if (there?.current !== undefined && declared !== undefined)
    findings.push(...planDrift(region, s, there.current.keyId, declared));
  return findings;
}

/** The consumer's current key `keyId` in other plans of `view` than `declared`. */
function planDrift(
  view: RegionKeys,
  s: ConsumerStatus,
  keyId: string,
  declared: readonly string[]
): Finding[] {
  const { where, region } = placeOf(view);
  const actual = plansOf(view, keyId);
  const missing = declared.filter((id) => !actual.includes(id));
  const extra = actual.filter((id) => !declared.includes(id));
  if (missing.length === 0 && extra.length === 0) return [];
  const name = planName(view);
  return [
    {
      kind: 'wrong-plans',
      service: s.service,
      ...region,
      consumer: s.consumer,
      secretArn: s.secretArn,
      keyId,
      message:
        `${where}${s.consumer}: current key ${keyId}` +
        (missing.length > 0 ? ` is missing from plan(s) ${missing.map(name).join(', ')}` : '') +
        (missing.length > 0 && extra.length > 0 ? ' and' : '') +
        (extra.length > 0 ? ` is in undeclared plan(s) ${extra.map(name).join(', ')}` : '') +
        '; the next sweep reconciles it',
    },
  ];
}

/** How a finding names its region: nothing for the client's own, `in <region>: ` for another. */
function placeOf(view: RegionKeys): { where: string; region: { region?: string } } {
  return view.region === undefined
    ? { where: '', region: {} }
    : { where: `in ${view.region}: `, region: { region: view.region } };
}

/** The ids of the plans of `view` that hold `keyId`. */
function plansOf(view: RegionKeys, keyId: string): string[] {
  return [...view.members].filter(([, keys]) => keys.has(keyId)).map(([planId]) => planId);
}

/** A plan's name in `view`, or its id when the plan is gone. */
function planName(view: RegionKeys): (id: string) => string {
  return (id) => view.plans.get(id)?.name ?? id;
}

/** A disabled key with a delete-after time: the sweep has retired it and will delete it. */
function cleanupUnderway(key: ApiKey): boolean {
  return !key.enabled && key.tags?.[KeyTag.DELETE_AFTER] !== undefined;
}

/** The finding an unhealthy consumer's health state makes; undefined when it makes none. */
function healthFinding(s: ConsumerStatus): FindingKind | undefined {
  switch (s.health.state) {
    case 'failing':
      return s.pending !== undefined ? 'pending-stuck' : 'rotation-failed';
    case 'broken':
      return 'current-key-broken';
    case 'no-key':
      return 'no-key-yet';
    default:
      return undefined;
  }
}
