/**
 * Playing Secrets Manager against the in-process function: deliver the four step events,
 * re-deliver a failed step with the same token (as Secrets Manager retries it) before going on,
 * and check the invariant after every single delivery, the failed ones included. Then the
 * clean-up an operator's clock would bring: outgoing keys' retire-after and delete-after moved
 * into the past and the sweep run, so every key left is one that must stay.
 */
import { SWEEP_EVENT, KeyTag } from '../../../contract';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import type { SweepResult } from '../../../lambdas/rotation/sweep';
import { expire, invariantViolations, viewSecret } from '../../e2e/support/aws';
import { keysOf, managedKeys, newContainer, type Handler, type World } from './world';

/** Re-deliveries of one step before the rotation is declared stuck. */
export const MAX_REDRIVES = 5;

export interface RotationRun {
  /** Step deliveries that failed and were delivered again. */
  readonly redrives: number;
  /** Invariant violations seen after any delivery (must stay empty). */
  readonly violations: readonly string[];
  /** Messages of the failed deliveries. */
  readonly errors: readonly string[];
  /** Times the invariant was checked. */
  readonly invariantChecks: number;
}

/** Delivers one step event to a container. */
export function deliver(
  handler: Handler,
  secretArn: string,
  token: string,
  step: (typeof ROTATION_STEPS)[number]
): Promise<unknown> {
  return handler({ SecretId: secretArn, ClientRequestToken: token, Step: step });
}

/** When `driveRotation` checks the invariant. */
export interface DriveOptions {
  /**
   * False for a consumer's first (bootstrap) rotation: no key exists until finishSecret, so the
   * invariant is checked only from then on.
   *
   * @default true
   */
  readonly invariantFromStart?: boolean;
  /**
   * 'every-delivery': after every step delivery. 'from-first-fault': after every delivery from
   * the first one during which the proxy injected a fault (into any call, so another rotation's
   * fault only adds checks) or that failed, and after the last step always. A clean delivery's
   * effect on the invariant is what the fault matrix's clean run checks after every delivery;
   * the soak spends its checks where its random faults land.
   *
   * @default 'every-delivery'
   */
  readonly checkInvariant?: 'every-delivery' | 'from-first-fault';
}

/** Runs the four steps for `token`, re-driving failures, checking the invariant as told. */
export async function driveRotation(
  world: World,
  handler: Handler,
  secretArn: string,
  token: string,
  { invariantFromStart = true, checkInvariant = 'every-delivery' }: DriveOptions = {}
): Promise<RotationRun> {
  const violations: string[] = [];
  const errors: string[] = [];
  let redrives = 0;
  let faulted = false;
  let invariantChecks = 0;
  for (const step of ROTATION_STEPS) {
    for (let delivery = 0; ; delivery++) {
      const callsBefore = world.proxy.callCount();
      let failure: Error | undefined;
      try {
        await deliver(handler, secretArn, token, step);
      } catch (error) {
        failure = error as Error;
      }
      faulted ||=
        failure !== undefined ||
        world.proxy
          .calls()
          .slice(callsBefore)
          .some((call) => call.fault !== undefined);
      const checked = checkInvariant === 'every-delivery' || faulted || step === 'finishSecret';
      if (checked && (invariantFromStart || step === 'finishSecret')) {
        invariantChecks++;
        violations.push(
          ...(await invariantViolations(secretArn, world.clients)).map((v) => `${step}: ${v}`)
        );
      }
      if (failure === undefined) break;
      errors.push(failure.message);
      if (delivery >= MAX_REDRIVES) {
        throw new Error(`${step} still fails after ${MAX_REDRIVES} re-deliveries`, {
          cause: failure,
        });
      }
      redrives++;
    }
  }
  return { redrives, violations, errors, invariantChecks };
}

/** Runs a sweep to completion in a fresh container, following its cursor; sums its counts. */
export async function sweepAll(handler: Handler = newContainer()): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  let cursor: string | undefined;
  for (let round = 0; round < 20; round++) {
    const result = (await handler(
      cursor ? { ...SWEEP_EVENT, cursor } : SWEEP_EVENT
    )) as SweepResult;
    for (const [name, n] of Object.entries(result.counts)) total[name] = (total[name] ?? 0) + n;
    if (result.complete) return total;
    cursor = result.cursor;
  }
  throw new Error('the sweep did not complete in 20 rounds');
}

/**
 * Moves every scheduled retire-after and delete-after into the past and sweeps, twice (retire,
 * then delete). Keys without those tags keep their schedule, as the clock would leave them.
 * Returns the counts of both sweeps added up.
 */
export async function settle(
  world: World,
  handler: Handler = newContainer()
): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  for (let round = 0; round < 2; round++) {
    for (const key of await managedKeys(world)) {
      for (const tag of [KeyTag.RETIRE_AFTER, KeyTag.DELETE_AFTER] as const) {
        if (key.tags[tag] !== undefined) await expire(key.id, tag, world.clients);
      }
    }
    for (const [name, n] of Object.entries(await sweepAll(handler)))
      total[name] = (total[name] ?? 0) + n;
  }
  return total;
}

/**
 * Keys made for the secret that are neither the one AWSCURRENT names nor an outgoing key in
 * its grace period (enabled, retire-after still ahead): after a sweep there must be none.
 */
export async function unaccountedKeys(world: World, secretArn: string): Promise<string[]> {
  const { currentKeyId } = await viewSecret(secretArn, world.clients);
  const now = Date.now();
  return (await keysOf(world, secretArn))
    .filter((key) => {
      if (key.id === currentKeyId) return false;
      const retireAfter = Date.parse(key.tags[KeyTag.RETIRE_AFTER] ?? '');
      return !(key.enabled && retireAfter > now);
    })
    .map((key) => `${key.id} (version ${key.tags[KeyTag.SECRET_VERSION]}, enabled ${key.enabled})`);
}

/**
 * Keys made for the secret other than the one AWSCURRENT names: after `settle` there must be
 * none (no duplicate for the current version, no orphan of an earlier one).
 */
export async function strayKeys(world: World, secretArn: string): Promise<string[]> {
  const { currentKeyId } = await viewSecret(secretArn, world.clients);
  return (await keysOf(world, secretArn))
    .filter((key) => key.id !== currentKeyId)
    .map((key) => `${key.id} (version ${key.tags[KeyTag.SECRET_VERSION]}, enabled ${key.enabled})`);
}
