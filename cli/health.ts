/**
 * Whether a consumer's last rotation succeeded, judged from what Secrets Manager and API Gateway
 * show (no secret value is read):
 *
 * - `broken`: the invariant does not hold (AWSCURRENT names a key that is missing or disabled);
 * - `failing`: AWSPENDING has sat on a version other than AWSCURRENT for longer than
 *   `stuckAfterMs` (a rotation started and never finished: Secrets Manager leaves it there
 *   after a failed step), or a scheduled rotation is overdue by more than the overdue margin
 *   the service was deployed with, which its alarm uses (overdue-margin.ts: it failed before it
 *   could stage a version);
 * - `rotating`: a rotation staged AWSPENDING less than `stuckAfterMs` ago;
 * - `no-key`: AWSCURRENT is still the bootstrap version Terraform wrote: no key issued yet;
 * - `rotation-off`: the secret has a key but rotation is disabled on it;
 * - `ok`: none of the above.
 */
export type HealthState = 'ok' | 'rotating' | 'failing' | 'broken' | 'no-key' | 'rotation-off';

export interface Health {
  readonly state: HealthState;
  /** One line saying why, for people. */
  readonly reason: string;
}

/** What health is judged from. */
export interface HealthInput {
  readonly rotationEnabled: boolean;
  readonly lastRotated?: Date;
  readonly nextRotation?: Date;
  /** The version AWSCURRENT labels; undefined when none does. */
  readonly currentVersion?: string;
  /** AWSCURRENT is the bootstrap version (no key issued yet). */
  readonly bootstrap: boolean;
  /** The key made for the AWSCURRENT version, if found. */
  readonly current?: { readonly keyId: string; readonly enabled: boolean };
  /** AWSPENDING on a version other than AWSCURRENT. */
  readonly pending?: { readonly versionId: string; readonly createdDate?: Date };
  /** How late the scheduled rotation may be: the service's overdue margin (overdue-margin.ts). */
  readonly overdueMarginMs: number;
}

/** Default age after which an AWSPENDING version counts as stuck: one hour. */
export const DEFAULT_STUCK_AFTER_MS = 60 * 60 * 1000;

export function assessHealth(input: HealthInput, now: Date, stuckAfterMs: number): Health {
  const { pending } = input;
  if (input.currentVersion === undefined)
    return { state: 'broken', reason: 'no version is labelled AWSCURRENT' };
  const pendingAge = pending?.createdDate && now.getTime() - pending.createdDate.getTime();
  if (pending !== undefined && pendingAge !== undefined && pendingAge >= stuckAfterMs)
    return {
      state: 'failing',
      reason: `AWSPENDING stuck on version ${pending.versionId} since ${pending.createdDate?.toISOString()}: the last rotation did not finish`,
    };
  const keyProblem =
    input.bootstrap && input.current === undefined
      ? undefined
      : currentKeyProblem(input.currentVersion, input.current);
  if (keyProblem !== undefined) return { state: 'broken', reason: keyProblem };
  if (pending !== undefined)
    return { state: 'rotating', reason: `rotation in progress (version ${pending.versionId})` };
  if (input.bootstrap)
    return { state: 'no-key', reason: 'no key issued yet (only the bootstrap version)' };
  if (!input.rotationEnabled)
    return { state: 'rotation-off', reason: 'rotation is disabled on the secret' };
  const next = input.nextRotation;
  if (next !== undefined && now.getTime() - next.getTime() > input.overdueMarginMs)
    return {
      state: 'failing',
      reason: `the rotation due ${next.toISOString()} has not happened (last rotated ${input.lastRotated?.toISOString() ?? 'never'})`,
    };
  return {
    state: 'ok',
    reason: `last rotated ${input.lastRotated?.toISOString() ?? 'never'}`,
  };
}

/**
 * Why the key made for AWSCURRENT breaks the invariant, in the primary region or a further one:
 * it is missing or disabled; undefined when it exists and is enabled.
 */
export function currentKeyProblem(
  currentVersion: string,
  current: { readonly keyId: string; readonly enabled: boolean } | undefined
): string | undefined {
  if (current === undefined)
    return `the key made for AWSCURRENT (version ${currentVersion}) is missing`;
  if (!current.enabled) return `the current key ${current.keyId} is disabled`;
  return undefined;
}
