/**
 * A {@link RotationService}'s props, checked and with their defaults applied, before any
 * resource is made.
 */
import { Token } from 'cdktf';
import { API_KEYS_PER_REGION, USAGE_PLANS_PER_REGION } from '../contract/aws-limits';
import { formatSeconds, SECONDS_PER } from '../contract/durations';
import {
  isWithin,
  KEY_BUDGET_BOUND,
  RESERVED_CONCURRENCY_BOUND,
  wholeNumberRule,
  type WholeNumberBound,
} from '../contract/function-bounds';
import {
  DEFAULT_DELETE_AFTER_SECONDS,
  DEFAULT_OVERDUE_MARGIN_SECONDS,
  MAX_PERIOD_SECONDS,
  MIN_DELETE_AFTER_SECONDS,
} from '../contract/policy-rules';
import {
  DEFAULT_SWEEP_SCHEDULE,
  EVENTBRIDGE_SCHEDULE,
  EVENTBRIDGE_SCHEDULE_RULE,
} from '../contract/sweep-schedule';
import { Duration } from './duration';
import { invalidValue } from './errors';
import type { AccountQuotas, RotationServiceProps } from './rotation-service';
import { requirePattern, requirePositiveInteger } from './validation';

/** The props of a rotation service, checked and with defaults applied. */
export interface ServiceSettings {
  readonly serviceName: string;
  readonly secretPrefix: string;
  readonly deleteRetiredAfter: Duration;
  readonly overdueMargin: Duration;
  readonly sweepSchedule: string;
  readonly logRetentionDays: number;
  readonly reservedConcurrency: number;
  readonly accountQuotas: Required<AccountQuotas>;
  /** @default - derived by the function from the consumers' caps */
  readonly keyBudget?: number;
}

/**
 * Containers of the rotation function that may run at once: AWS's guidance for rotation
 * functions is no fewer than 10 (fewer can throttle rotations); each container paces API Gateway
 * at a tenth of the function's share, so 10 hold the account's rate (bench/README.md, "Pacing").
 */
export const DEFAULT_RESERVED_CONCURRENCY = 10;

/** The longest service name: `<name>-rotation-dlq` and the role name stay within AWS limits. */
const MAX_SERVICE_NAME_LENGTH = 40;
const SERVICE_NAME = /^[A-Za-z0-9-]{1,40}$/;
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,256}\/$/;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/** The service name a stack's rotation service gets unless one is given: `keyplane-<stack>`. */
export function defaultServiceName(stackId: string): string {
  return `keyplane-${stackId}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, MAX_SERVICE_NAME_LENGTH);
}

/** Checks the props; throws a KeyplaneValidationError naming the first field that breaks a rule. */
export function resolveServiceSettings(
  path: string,
  stackId: string,
  props: RotationServiceProps
): ServiceSettings {
  const serviceName = props.serviceName ?? defaultServiceName(stackId);
  const secretPrefix = props.secretPrefix ?? `keyplane/${stackId}/`;
  requirePattern(
    path,
    'serviceName',
    serviceName,
    SERVICE_NAME,
    'be 1-40 letters, digits or hyphens'
  );
  requirePattern(
    path,
    'secretPrefix',
    secretPrefix,
    SECRET_PREFIX,
    'be characters allowed in secret names (letters, digits, /_+=.@-) ending in "/"'
  );
  const logRetentionDays = props.logRetentionDays ?? 365;
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw invalidValue(
      path,
      'logRetentionDays',
      logRetentionDays,
      `be one of CloudWatch's retention periods (${LOG_RETENTION_DAYS.join(', ')})`
    );
  }
  const deleteRetiredAfter =
    props.deleteRetiredAfter ?? Duration.minutes(DEFAULT_DELETE_AFTER_SECONDS / SECONDS_PER.minute);
  requirePeriod(path, 'deleteRetiredAfter', deleteRetiredAfter, MIN_DELETE_AFTER_SECONDS);
  const overdueMargin =
    props.overdueMargin ?? Duration.minutes(DEFAULT_OVERDUE_MARGIN_SECONDS / SECONDS_PER.minute);
  requirePeriod(path, 'overdueMargin', overdueMargin, 0);
  const sweepSchedule = props.sweepSchedule ?? DEFAULT_SWEEP_SCHEDULE;
  requirePattern(
    path,
    'sweepSchedule',
    sweepSchedule,
    EVENTBRIDGE_SCHEDULE,
    EVENTBRIDGE_SCHEDULE_RULE
  );
  (props.alarmActions ?? []).forEach((arn, i) =>
    requirePattern(
      path,
      `alarmActions[${i}]`,
      arn,
      ARN,
      'be an ARN (arn:aws:sns:<region>:<account>:<topic>)'
    )
  );
  const reservedConcurrency = props.reservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY;
  requireFunctionSetting(
    path,
    'reservedConcurrency',
    reservedConcurrency,
    RESERVED_CONCURRENCY_BOUND
  );
  const accountQuotas = {
    apiKeysPerRegion: props.accountQuotas?.apiKeysPerRegion ?? API_KEYS_PER_REGION,
    usagePlansPerRegion: props.accountQuotas?.usagePlansPerRegion ?? USAGE_PLANS_PER_REGION,
  };
  for (const [quota, value] of Object.entries(accountQuotas)) {
    requirePositiveInteger(path, `accountQuotas.${quota}`, value);
  }
  if (props.keyBudget !== undefined) {
    requireFunctionSetting(path, 'keyBudget', props.keyBudget, KEY_BUDGET_BOUND);
  }
  return {
    serviceName,
    secretPrefix,
    deleteRetiredAfter,
    overdueMargin,
    sweepSchedule,
    logRetentionDays,
    reservedConcurrency,
    accountQuotas,
    ...(props.keyBudget === undefined ? {} : { keyBudget: props.keyBudget }),
  };
}

/** A value the rotation function accepts in its environment (contract/function-bounds.ts). */
function requireFunctionSetting(
  path: string,
  field: string,
  value: number,
  bound: WholeNumberBound
): void {
  if (Token.isUnresolved(value) || isWithin(bound, value)) return;
  throw invalidValue(
    path,
    field,
    value,
    `be ${wholeNumberRule(bound)} (the rotation function refuses any other)`
  );
}

/** A period the rotation function accepts: from `minSeconds` to ten years. */
function requirePeriod(path: string, field: string, value: Duration, minSeconds: number): void {
  const seconds = value.toSeconds();
  if (seconds < minSeconds || seconds > MAX_PERIOD_SECONDS) {
    throw invalidValue(
      path,
      field,
      String(value),
      `be from ${formatSeconds(minSeconds)} to ${formatSeconds(MAX_PERIOD_SECONDS)} (the rotation function refuses longer periods)`
    );
  }
}
