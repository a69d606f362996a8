/**
 * A {@link ManagedApiKey}'s props, checked against the contract's rules and AWS's before any
 * resource is made, with their defaults applied.
 */
import { Token } from 'cdktf';
import {
  AWS_REGIONS,
  IAM_PRINCIPAL_ARN,
  MAX_SECRET_NAME_LENGTH,
  SECRET_NAME_PATTERN,
  USAGE_PLANS_PER_KEY,
} from '../contract/aws-limits';
import type { BlastRadiusPolicy } from '../contract/blast-radius';
import { formatSeconds, SECONDS_PER } from '../contract/durations';
import { healthCheckUrlProblem } from '../contract/health-check-url';
import { isValidKeyPrefix, KEY_PREFIX_RULE } from '../contract/key-format';
import {
  CONSUMER_NAME_PATTERN,
  CONSUMER_NAME_RULE,
  DEFAULT_GRACE_PERIOD_SECONDS,
  DEFAULT_ROTATION_SCHEDULE,
  defaultKeyPrefix,
  MAX_GRACE_PERIOD_SECONDS,
} from '../contract/policy-rules';
import {
  isScheduleProblem,
  parseRotationSchedule,
  rotationWindowProblem,
  shortestRotationGapSeconds,
  type RotationScheduleSpec,
} from '../contract/rotation-schedule';
import { SecretTag } from '../contract/tags';
import { resolveBlastRadius } from './blast-radius-settings';
import { Duration } from './duration';
import { conflict, invalidValue } from './errors';
import { validateKeyRegions } from './key-regions';
import { KeyRotationSchedule } from './key-rotation-schedule';
import type { ManagedApiKeyProps } from './managed-api-key';
import { providerRegion } from './provider-region';
import type { RotationService } from './rotation-service';
import { registerConsumer } from './service-wiring';
import { stageConflicts } from './stage-conflicts';
import type { UsagePlan } from './usage-plan';
import { resolveUsageSettings, type UsageSettings } from './usage-settings';
import { requirePattern, validateTags } from './validation';

/** The props of a key, checked and with defaults applied. */
export interface KeySettings {
  readonly schedule: KeyRotationSchedule;
  readonly gracePeriod: Duration;
  readonly rotationWindow?: Duration;
  readonly keyPrefix: string;
  readonly recoveryWindowInDays: number;
  readonly secretName: string;
  readonly readers: readonly string[];
  readonly usage: UsageSettings;
  /** Live- and retained-key caps and cool-downs (blast-radius-settings.ts). */
  readonly blastRadius: BlastRadiusPolicy;
}

/** Checks the props, then claims the consumer's name and secret name in its service. */
export function resolveKeySettings(
  path: string,
  service: RotationService,
  props: ManagedApiKeyProps,
  plans: readonly UsagePlan[]
): KeySettings {
  requirePattern(path, 'consumer', props.consumer, CONSUMER_NAME_PATTERN, CONSUMER_NAME_RULE);
  const schedule = props.schedule ?? KeyRotationSchedule.expression(DEFAULT_ROTATION_SCHEDULE);
  const spec = checkSchedule(schedule, path, 'schedule');
  const gracePeriod =
    props.gracePeriod ?? Duration.hours(DEFAULT_GRACE_PERIOD_SECONDS / SECONDS_PER.hour);
  validateGracePeriod(path, gracePeriod, spec, schedule);
  if (props.rotationWindow) validateWindow(path, props.rotationWindow, spec);
  const keyPrefix = props.keyPrefix ?? defaultKeyPrefix(props.consumer);
  if (!Token.isUnresolved(keyPrefix) && !isValidKeyPrefix(keyPrefix)) {
    throw invalidValue(path, 'keyPrefix', keyPrefix, KEY_PREFIX_RULE);
  }
  const recoveryWindowInDays = props.recoveryWindowInDays ?? 30;
  validateRecoveryWindow(path, recoveryWindowInDays);
  const secretName = resolveSecretName(path, service, props);
  if (props.healthCheckUrl !== undefined) validateHealthCheckUrl(path, props.healthCheckUrl);
  validateReplicaRegions(path, props.replicaRegions ?? [], providerRegion(service));
  validateTags(path, props.tags ?? {}, Object.keys(SecretTag).length, 'keyplane:');
  validatePlans(path, plans);
  validateKeyRegions(path, plans, props.adoptKeyId);
  const readers = props.readers ?? [];
  readers.forEach((arn, i) => validateReader(path, i, arn));
  const usage = resolveUsageSettings(path, props);
  const blastRadius = resolveBlastRadius(path, props);
  registerConsumer(
    service,
    service.serviceName,
    {
      path,
      consumer: props.consumer,
      secretName: Token.isUnresolved(secretName) ? undefined : secretName,
      gracePeriodSeconds: gracePeriod.toSeconds(),
      shortestGapSeconds: shortestRotationGapSeconds(spec),
      plans,
      blastRadius,
    },
    { secretName, principals: readers }
  );
  return {
    schedule,
    gracePeriod,
    rotationWindow: props.rotationWindow,
    keyPrefix,
    recoveryWindowInDays,
    secretName,
    readers,
    usage,
    blastRadius,
  };
}

function validateGracePeriod(
  path: string,
  grace: Duration,
  spec: RotationScheduleSpec,
  schedule: KeyRotationSchedule
): void {
  const gap = shortestRotationGapSeconds(spec);
  if (grace.toSeconds() >= gap) {
    throw invalidValue(
      path,
      'gracePeriod',
      String(grace),
      `be shorter than the time between rotations (${formatSeconds(gap)} for ${schedule.expressionString})`
    );
  }
  if (grace.toSeconds() > MAX_GRACE_PERIOD_SECONDS) {
    throw invalidValue(
      path,
      'gracePeriod',
      String(grace),
      `be at most ${formatSeconds(MAX_GRACE_PERIOD_SECONDS)} (the rotation function's limit)`
    );
  }
}

function validateWindow(path: string, window: Duration, spec: RotationScheduleSpec): void {
  const problem = rotationWindowProblem(spec, window.toSeconds());
  if (problem) throw invalidValue(path, 'rotationWindow', String(window), problem);
}

function validateRecoveryWindow(path: string, days: number): void {
  if (Token.isUnresolved(days)) return;
  if (!Number.isSafeInteger(days) || (days !== 0 && (days < 7 || days > 30))) {
    throw invalidValue(path, 'recoveryWindowInDays', days, 'be 0 or an integer from 7 to 30');
  }
}

function resolveSecretName(
  path: string,
  service: RotationService,
  props: ManagedApiKeyProps
): string {
  const suffix = props.secretName ?? props.consumer;
  requirePattern(
    path,
    'secretName',
    suffix,
    SECRET_NAME_PATTERN,
    'hold only letters, digits and /_+=.@-'
  );
  const name = `${service.secretPrefix}${suffix}`;
  if (!Token.isUnresolved(name) && name.length > MAX_SECRET_NAME_LENGTH) {
    throw invalidValue(
      path,
      'secretName',
      suffix,
      `keep the full secret name within Secrets Manager's ${MAX_SECRET_NAME_LENGTH} characters (with prefix ${service.secretPrefix} it is ${name.length})`
    );
  }
  return name;
}
function validateHealthCheckUrl(path: string, url: string): void {
  if (Token.isUnresolved(url)) return;
  const problem = healthCheckUrlProblem(url);
  if (problem !== undefined) throw invalidValue(path, 'healthCheckUrl', url, problem);
  requirePattern(
    path,
    'healthCheckUrl',
    url,
    /^[A-Za-z0-9 _.:/=+\-@]{1,256}$/,
    'fit in a secret tag: at most 256 of letters, digits and _.:/=+-@ (no query string)'
  );
}

function validateReplicaRegions(
  path: string,
  regions: readonly string[],
  primary: string | undefined
): void {
  regions.forEach((region, i) => {
    requirePattern(
      path,
      `replicaRegions[${i}]`,
      region,
      new RegExp(`^(${AWS_REGIONS.join('|')})$`),
      'be an AWS region such as "eu-west-1"'
    );
    if (region === primary) {
      throw invalidValue(
        path,
        `replicaRegions[${i}]`,
        region,
        "not be the stack's own region, where the secret already is"
      );
    }
    if (regions.indexOf(region) !== i) {
      throw invalidValue(
        path,
        `replicaRegions[${i}]`,
        region,
        'not repeat a region listed before it'
      );
    }
  });
}

function validatePlans(path: string, plans: readonly UsagePlan[]): void {
  if (plans.length === 0) {
    throw invalidValue(
      path,
      'usagePlans',
      [],
      'name at least one usage plan (or set dedicatedPlan)'
    );
  }
  // A key per region: API Gateway's limit counts the plans of each region.
  for (const region of new Set(plans.map((plan) => plan.region))) {
    const count = plans.filter((plan) => plan.region === region).length;
    if (count > USAGE_PLANS_PER_KEY) {
      throw invalidValue(
        path,
        'usagePlans',
        `${count} plans${region === undefined ? '' : ` in ${region}`}`,
        `hold at most ${USAGE_PLANS_PER_KEY} plans per region (API Gateway's limit per key)`
      );
    }
  }
  const seen = new Set<UsagePlan>();
  for (const plan of plans) {
    if (seen.has(plan)) throw conflict(path, `usagePlans names ${plan.node.path} twice`);
    seen.add(plan);
  }
  const errors = stageConflicts(plans);
  if (errors.length > 0) throw conflict(path, errors[0]);
}

function validateReader(path: string, index: number, arn: string): void {
  requirePattern(
    path,
    `readers[${index}]`,
    arn,
    IAM_PRINCIPAL_ARN,
    'be an IAM principal ARN: arn:aws:iam::<12-digit account>:root, :user/<name> or :role/<name>, or arn:aws:sts::<account>:assumed-role/<role>/<session>'
  );
}

/** Checks a schedule against Secrets Manager's rules; `path` and `field` name it in errors. */
export function checkSchedule(
  schedule: KeyRotationSchedule,
  path: string,
  field: string
): RotationScheduleSpec {
  const spec = parseRotationSchedule(schedule.expressionString);
  if (isScheduleProblem(spec)) {
    throw invalidValue(path, field, schedule.expressionString, spec.rule);
  }
  return spec;
}
