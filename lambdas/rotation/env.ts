/**
 * The Lambda's environment, read once and checked before any work: a missing or malformed
 * variable stops the first invocation with a message that names the variable.
 */
import {
  DEFAULT_DELETE_AFTER_SECONDS,
  isAdoptionsProblem,
  parseAdoptions,
  DEFAULT_OVERDUE_MARGIN_SECONDS,
  isWithin,
  KEY_BUDGET_BOUND,
  LambdaEnv,
  MAX_PERIOD_SECONDS,
  RESERVED_CONCURRENCY_BOUND,
  wholeNumberRule,
  type WholeNumberBound,
} from '../../contract';
import { loadDeployerPolicies, type DeployerPolicies } from './deployer-policy';
import { invalidVariable, missingVariable } from './errors';

/** The configuration every part of the function reads. */
export interface RotationEnv {
  /** Name of the rotation service; keys are tagged with it and the sweep touches only those. */
  readonly service: string;
  /** Prefix of the names of the secrets this function manages; other secrets are refused. */
  readonly secretPrefix: string;
  /**
   * Seconds a retired (disabled) key is kept before the sweep deletes it.
   *
   * @default 604800 (7 days)
   */
  readonly deleteAfterSeconds: number;
  /**
   * Seconds a current key may outlive its rotation interval before its consumer is overdue.
   *
   * @default 172800 (2 days, DEFAULT_OVERDUE_MARGIN_SECONDS)
   */
  readonly overdueMarginSeconds: number;
  /** AWS region the function runs in (AWS_REGION, set by the Lambda runtime). */
  readonly region: string;
  /** Id or ARN of the KMS HMAC key that proves the function made a key (ownership.ts). */
  readonly ownershipKeyId: string;
  /**
   * Each consumer's policy by full secret name, from the document Terraform ships with the code
   * (deployer-policy.ts): the only secrets the function manages, and the only policy it obeys.
   */
  readonly consumers: DeployerPolicies;
  /**
   * Existing API keys to adopt, by secret name (LambdaEnv.ADOPTIONS, contract/adoptions.ts).
   * @default - none
   */
  readonly adoptions?: ReadonlyMap<string, string>;
  /**
   * Keys the service may hold in the region (LambdaEnv.KEY_BUDGET, key-budget.ts).
   * @default - derived from the policy document
   */
  readonly keyBudget?: number;
  /**
   * Containers of the function that may run at once (LambdaEnv.RESERVED_CONCURRENCY): each
   * paces its API Gateway calls at this part of the function's share (pacing.ts).
   * @default 1 (unset: the function's whole share, as when run outside its deployment)
   */
  readonly reservedConcurrency: number;
}

/** Characters valid in both an API Gateway and a Secrets Manager tag value. */
const SERVICE_PATTERN = /^[A-Za-z0-9_.:/=+@-]{1,128}$/;
/** Characters valid in a Secrets Manager secret name. */
const SECRET_PREFIX_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
/** A KMS key id (a UUID, or mrk-...) or its ARN. */
const KMS_KEY_PATTERN = /^(arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/)?(mrk-)?[A-Za-z0-9-]{1,64}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Reads and validates the environment; throws a ConfigurationError naming the variable. */
export function readEnv(source: Readonly<Record<string, string | undefined>>): RotationEnv {
  const service = required(source, LambdaEnv.SERVICE);
  if (!SERVICE_PATTERN.test(service)) {
    throw invalidVariable(
      LambdaEnv.SERVICE,
      '1-128 letters, digits or _ . : / = + - @ (it is written as a tag value)'
    );
  }
  const secretPrefix = required(source, LambdaEnv.SECRET_PREFIX);
  if (!SECRET_PREFIX_PATTERN.test(secretPrefix)) {
    throw invalidVariable(
      LambdaEnv.SECRET_PREFIX,
      '1-256 letters, digits or / _ + = . @ - (the start of a secret name)'
    );
  }
  const region = source.AWS_REGION ?? source.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw missingVariable('AWS_REGION');
  }
  if (!REGION_PATTERN.test(region)) {
    throw invalidVariable('AWS_REGION', 'an AWS region name such as eu-west-1');
  }
  const ownershipKeyId = required(source, LambdaEnv.OWNERSHIP_KEY_ID);
  if (!KMS_KEY_PATTERN.test(ownershipKeyId)) {
    throw invalidVariable(LambdaEnv.OWNERSHIP_KEY_ID, 'a KMS key id or key ARN');
  }
  const adoptions = parseAdoptions(source[LambdaEnv.ADOPTIONS]);
  if (isAdoptionsProblem(adoptions)) throw invalidVariable(LambdaEnv.ADOPTIONS, adoptions.problem);
  const keyBudget = readWholeNumber(source, LambdaEnv.KEY_BUDGET, KEY_BUDGET_BOUND);
  return {
    service,
    secretPrefix,
    deleteAfterSeconds: readSeconds(
      source,
      LambdaEnv.DELETE_AFTER_SECONDS,
      DEFAULT_DELETE_AFTER_SECONDS
    ),
    overdueMarginSeconds: readSeconds(
      source,
      LambdaEnv.OVERDUE_MARGIN_SECONDS,
      DEFAULT_OVERDUE_MARGIN_SECONDS
    ),
    region,
    ownershipKeyId,
    consumers: loadDeployerPolicies(source, service, region),
    ...(adoptions.size > 0 ? { adoptions } : {}),
    ...(keyBudget === undefined ? {} : { keyBudget }),
    reservedConcurrency:
      readWholeNumber(source, LambdaEnv.RESERVED_CONCURRENCY, RESERVED_CONCURRENCY_BOUND) ?? 1,
  };
}

/**
 * The whole number variable `name` holds, within `bound`; undefined when unset or blank. Any
 * other value is refused, naming the variable and the rule.
 */
export function readWholeNumber(
  source: Readonly<Record<string, string | undefined>>,
  name: string,
  bound: WholeNumberBound
): number | undefined {
  const raw = source[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw) || !isWithin(bound, Number(raw))) {
    throw invalidVariable(name, wholeNumberRule(bound));
  }
  return Number(raw);
}

function required(source: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = source[name];
  if (value === undefined || value.trim() === '') {
    throw missingVariable(name);
  }
  return value;
}

/** A period in seconds, as the construct writes it (from 0 to ten years). */
const PERIOD_BOUND: WholeNumberBound = { min: 0, max: MAX_PERIOD_SECONDS, unit: 'seconds' };

function readSeconds(
  source: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number
): number {
  return readWholeNumber(source, name, PERIOD_BOUND) ?? fallback;
}
