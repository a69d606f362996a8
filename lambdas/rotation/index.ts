/**
 * Entry point of the rotation Lambda. One function, three kinds of event:
 *
 * - Secrets Manager rotation `{SecretId, ClientRequestToken, Step}` -> `undefined`;
 * - sweep `{action: 'sweep', cursor?, dryRun?}` (hourly schedule; `keyplane sweep`) ->
 *   `SweepResult` `{complete, cursor?, counts, planned?}`; re-invoke with `cursor` while
 *   `complete` is false; `dryRun` changes nothing and lists the changes in `planned`;
 * - revoke `{action: 'revoke', secretId, keyId?}` -> `RevokeResult`
 *   `{secretArn, versionId?, keyId?, revokedKeyIds, unprovenKeyIds}`;
 * - teardown `{action: 'teardown', tf?: {action}, secretNames?}` (Terraform, on create, update
 *   and destroy) -> `TeardownResult` `{terraformAction, deleted}`;
 * - audit `{action: 'audit'}` (`keyplane doctor`) -> `AuditResult`
 *   `{undeclaredSecretArns, policyTagMismatches}`: what disagrees with the deployer's policy.
 *
 * Anything else is rejected with an InvalidEventError describing the fields received. The
 * environment is read and the clients are made once per container, at the first invocation.
 * Every invocation writes one EMF metrics line; failures are logged (redacted) and rethrown, so
 * Secrets Manager and the scheduler see them.
 */
import { audit, type AuditResult } from './audit';
import { createClients } from './clients';
import { readEnv } from './env';
import { CoolDownError, KeyBudgetError } from './errors';
import { parseEvent, type LambdaContext, type ParsedEvent } from './events';
import { createLogger, setInvocationLogFields } from './log';
import { InvocationMetrics, type MetricName } from './metrics';
import { containerLimits } from './pacing';
import { revoke, type RevokeResult } from './revoke';
import { rotate } from './rotation';
import { createRuntime, type Runtime } from './runtime';
import { sweep, type SweepResult } from './sweep';
import { teardown, type TeardownResult } from './teardown';

export type { RevokeResult } from './revoke';
export type { SweepResult } from './sweep';
export type { TeardownResult } from './teardown';
export type { AuditResult } from './audit';
export { verifyKeyValue, generateKeyValue } from './key-value';

const log = createLogger('handler');

let runtime: Runtime | undefined;

export type HandlerResult = SweepResult | RevokeResult | TeardownResult | AuditResult | undefined;

export async function handler(event: unknown, context?: LambdaContext): Promise<HandlerResult> {
  const started = Date.now();
  setInvocationLogFields(
    context?.awsRequestId === undefined ? {} : { requestId: context.awsRequestId }
  );
  const metrics = new InvocationMetrics();
  let operation = 'unknown';
  let kind: ParsedEvent['kind'] | undefined;
  try {
    if (runtime === undefined) {
      const env = readEnv(process.env);
      runtime = createRuntime(env, createClients({}, containerLimits(env.reservedConcurrency)));
    }
    const parsed = parseEvent(event);
    kind = parsed.kind;
    operation = parsed.kind === 'rotation' ? parsed.step : parsed.kind;
    return await dispatch(runtime, parsed, context, metrics);
  } catch (error) {
    metrics.add('Failures');
    const specific = kind && FAILURE_METRIC[kind];
    if (specific) metrics.add(specific);
    if (error instanceof CoolDownError) metrics.add('CoolDownRefusals');
    if (error instanceof KeyBudgetError) metrics.add('KeyBudgetRefusals');
    log.error('invocation failed', { operation, error });
    throw error;
  } finally {
    metrics.add('UnprovenKeys', runtime?.ownership.endInvocation().length ?? 0);
    const audit = runtime?.policyAudit.endInvocation();
    metrics.add('PolicyTagMismatches', audit?.policyTagMismatches ?? 0);
    metrics.add('UnmanagedSecrets', audit?.unmanagedSecrets ?? 0);
    metrics.add('DurationMs', Date.now() - started);
    metrics.publish(runtime?.env.service ?? 'unconfigured', operation);
  }
}

/** The failure metric, besides Failures, of an invocation of each kind that throws. */
const FAILURE_METRIC: Partial<Record<ParsedEvent['kind'], MetricName>> = {
  rotation: 'RotationFailures',
  revoke: 'RotationFailures',
  sweep: 'SweepFailures',
};

async function dispatch(
  rt: Runtime,
  event: ParsedEvent,
  context: LambdaContext | undefined,
  metrics: InvocationMetrics
): Promise<HandlerResult> {
  switch (event.kind) {
    case 'rotation': {
      const outcome = await rotate(rt, event);
      if (event.step === 'finishSecret' && outcome === 'done') metrics.add('Rotations');
      return undefined;
    }
    case 'sweep': {
      const result = await sweep(rt, {
        ...(event.cursor === undefined ? {} : { cursor: event.cursor }),
        ...(event.dryRun === true ? { dryRun: true } : {}),
        ...(context === undefined ? {} : { remainingTimeMs: context.getRemainingTimeInMillis() }),
      });
      metrics.add(
        'Retirements',
        result.counts.retired + result.counts.orphansRetired + result.counts.retiredEarly
      );
      metrics.add('Deletions', result.counts.deleted);
      metrics.add('Rotations', result.counts.healed);
      metrics.add('Failures', result.counts.failures);
      metrics.add('SweepFailures', result.counts.failures);
      metrics.set('OverdueConsumers', result.overdueConsumers);
      metrics.set('HeldKeys', result.counts.held);
      if (result.keysHeld !== undefined && result.keyBudget !== undefined) {
        metrics.set('KeysHeld', result.keysHeld);
        metrics.set('KeysOverBudget', Math.max(0, result.keysHeld - result.keyBudget));
      }
      return result;
    }
    case 'revoke': {
      const result = await revoke(
        rt,
        event.secretId,
        event.keyId === undefined ? {} : { keyId: event.keyId }
      );
      if (result.keyId !== undefined) metrics.add('Rotations');
      metrics.add('Retirements', result.revokedKeyIds.length);
      return result;
    }
    case 'audit':
      return audit(rt);
    case 'teardown': {
      const result = await teardown(
        rt,
        event.terraformAction,
        context?.getRemainingTimeInMillis(),
        event.secretNames
      );
      metrics.add('Deletions', result.deleted);
      return result;
    }
  }
}
