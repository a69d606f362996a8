/**
 * Drift between what keyplane declares and what AWS holds, as named findings: a pure function
 * of the inventory, the consumers' status and the usage plans' members, so every rule is
 * tested without AWS. Things the hourly sweep is in the middle of cleaning up (a disabled key
 * of a gone secret, waiting for its delete-after time) are not findings.
 */
import type { ApiKey } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../contract/tags';
import type { Inventory } from './inventory';
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
  readonly consumer?: string;
  readonly keyId?: string;
  readonly secretArn?: string;
  /** One line for people: what is wrong and what to do. */
  readonly message: string;
}

export function findDrift(
  inventory: Inventory,
  statuses: readonly ConsumerStatus[],
  members: ReadonlyMap<string, ReadonlySet<string>>
): Finding[] {
  const liveSecrets = new Set(inventory.secrets.map((s) => s.ARN));
  const planName = (id: string) => inventory.plans.get(id)?.name ?? id;
  const plansOf = (keyId: string) =>
    [...members].filter(([, keys]) => keys.has(keyId)).map(([planId]) => planId);
  const findings: Finding[] = [];

  for (const key of inventory.keys) {
    const secretArn = key.tags?.[KeyTag.SECRET_ARN];
    const service = key.tags?.[KeyTag.SERVICE] ?? '';
    const keyId = key.id ?? '';
    if (key.tags?.[KeyTag.PROOF] === undefined) {
      // The function never touches a key it cannot prove it made (docs/trust.md). The doctor
      // cannot check a MAC (only the function's role may), so it names keys with none at all.
      findings.push({
        kind: 'unproven-key',
        service,
        keyId,
        ...(secretArn === undefined ? {} : { secretArn }),
        message:
          `key ${keyId} (${key.enabled ? 'enabled' : 'disabled'}) carries ${service}'s tags but no ` +
          'ownership proof: keyplane did not make it and will never change or delete it; ' +
          'whoever created it must',
      });
      continue;
    }
    if (secretArn === undefined || !liveSecrets.has(secretArn)) {
      if (!cleanupUnderway(key))
        findings.push({
          kind: 'orphan-key',
          service,
          keyId,
          ...(secretArn === undefined ? {} : { secretArn }),
          message:
            `key ${keyId} (${key.enabled ? 'enabled' : 'disabled'}) belongs to secret ` +
            `${secretArn ?? '(none tagged)'}, which is gone; the next sweep retires it, or delete it`,
        });
      continue;
    }
    if (!key.enabled) {
      const stillIn = plansOf(keyId);
      if (stillIn.length > 0)
        findings.push({
          kind: 'wrong-plans',
          service,
          keyId,
          secretArn,
          message: `disabled key ${keyId} is still in plan(s) ${stillIn.map(planName).join(', ')}`,
        });
    }
  }

  for (const s of statuses) {
    const about = { service: s.service, consumer: s.consumer, secretArn: s.secretArn };
    const kind = healthFinding(s);
    if (kind !== undefined)
      findings.push({ kind, ...about, message: `${s.consumer}: ${s.health.reason}` });
    if (s.current === undefined) continue;
    const actual = plansOf(s.current.keyId);
    const missing = s.planIds.filter((id) => !actual.includes(id));
    const extra = actual.filter((id) => !s.planIds.includes(id));
    if (missing.length > 0 || extra.length > 0)
      findings.push({
        kind: 'wrong-plans',
        ...about,
        keyId: s.current.keyId,
        message:
          `${s.consumer}: current key ${s.current.keyId}` +
          (missing.length > 0
            ? ` is missing from plan(s) ${missing.map(planName).join(', ')}`
            : '') +
          (missing.length > 0 && extra.length > 0 ? ' and' : '') +
          (extra.length > 0 ? ` is in undeclared plan(s) ${extra.map(planName).join(', ')}` : '') +
          '; the next sweep reconciles it',
      });
  }
  return findings;
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
