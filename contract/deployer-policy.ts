/**
 * The deployer's policy document: every consumer of a rotation service, as Terraform ships it
 * inside the rotation function's deployment package (POLICY_DOCUMENT_FILE beside the code).
 * Values known only at apply time (usage plan ids, a URL built from resource attributes) are
 * not in the document but in the function's environment variable `KEYPLANE_POLICY_VALUES`, a
 * JSON array the document refers to by index. Both can be changed only by whoever may update
 * the function (lambda:UpdateFunctionCode, lambda:UpdateFunctionConfiguration): the deployer.
 *
 * The secrets the service manages are exactly the document's secret names; tags on a secret
 * carry no policy (docs/trust.md).
 */
import { blastRadiusProblem, type BlastRadiusPolicy } from './blast-radius';
import { consumerPolicyTags, isPolicyTagProblem, readConsumerPolicyTags } from './consumer-policy';
import type { ConsumerPolicy } from './consumer-policy';
import { planQuotaProblem, type PlanQuotaPolicy } from './plan-quota';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
} from './usage-rules';

/** File name of the document in the deployment package, beside index.js. */
export const POLICY_DOCUMENT_FILE = 'keyplane-policy.json';

/** The `format` of the document this version writes and reads. */
export const POLICY_DOCUMENT_FORMAT = 'keyplane-policy/v1';

/** A string in the document: written as is, or the index of a value in KEYPLANE_POLICY_VALUES. */
export type PolicyText = string | { readonly value: number };

/** One consumer in the document. */
export interface PolicyDocumentConsumer {
  /** Full name of the consumer's secret. */
  readonly secretName: PolicyText;
  readonly consumer: string;
  readonly usagePlanIds: readonly PolicyText[];
  readonly gracePeriodSeconds: number;
  readonly keyPrefix: PolicyText;
  /** @default - no health check */
  readonly healthCheckUrl?: PolicyText;
  /** @default true */
  readonly carryQuota?: boolean;
  /** @default DEFAULT_QUOTA_SLACK_PERCENT */
  readonly quotaSlackPercent?: number;
  /** @default DEFAULT_QUIET_PERIOD_SECONDS */
  readonly quietPeriodSeconds?: number;
  /** @default DEFAULT_MAX_HOLD_SECONDS */
  readonly maxHoldSeconds?: number;
  /** Quotas of the plans that have one, each plan once. @default - none */
  readonly planQuotas?: readonly PolicyDocumentPlanQuota[];
  /** Live- and retained-key caps and cool-downs. @default DEFAULT_BLAST_RADIUS */
  readonly blastRadius?: BlastRadiusPolicy;
}

/** A plan's quota in the document; the plan id is written like those of `usagePlanIds`. */
export interface PolicyDocumentPlanQuota extends Omit<PlanQuotaPolicy, 'planId'> {
  readonly planId: PolicyText;
}

/** The document as the constructs write it. */
export interface PolicyDocument {
  readonly format: typeof POLICY_DOCUMENT_FORMAT;
  /** The rotation service whose consumers these are. */
  readonly service: string;
  readonly consumers: readonly PolicyDocumentConsumer[];
}

/** What the document says, per full secret name, or the first thing wrong with it. */
export type DeployerPolicies = ReadonlyMap<string, ConsumerPolicy>;

/** Something in the document or the values that breaks a rule. */
export interface PolicyDocumentProblem {
  /** Where: `values`, `document`, or `consumers[3].healthCheckUrl`. */
  readonly field: string;
  readonly rule: string;
}

/** True when the value is a problem, not the policies. */
export function isPolicyDocumentProblem(
  value: DeployerPolicies | PolicyDocumentProblem
): value is PolicyDocumentProblem {
  return 'rule' in value;
}

/**
 * Reads the document and the values, checking every consumer against the same rules as at
 * synth (contract/consumer-policy.ts). `service` is the function's own: a document written for
 * another service is refused.
 */
export function readDeployerPolicies(
  documentText: string,
  valuesText: string,
  service: string
): DeployerPolicies | PolicyDocumentProblem {
  const values = parseJson(valuesText);
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
    return { field: 'values', rule: 'must be a JSON array of strings' };
  }
  const doc = parseJson(documentText) as Partial<PolicyDocument> | undefined;
  if (doc === undefined || doc === null || doc.format !== POLICY_DOCUMENT_FORMAT) {
    return { field: 'document', rule: `must be JSON with format ${POLICY_DOCUMENT_FORMAT}` };
  }
  if (doc.service !== service) {
    return { field: 'document.service', rule: `must be ${service}, the function's service` };
  }
  if (!Array.isArray(doc.consumers)) return { field: 'consumers', rule: 'must be an array' };
  const policies = new Map<string, ConsumerPolicy>();
  for (const [i, entry] of doc.consumers.entries()) {
    const at = `consumers[${i}]`;
    const resolved = resolveEntry(entry as PolicyDocumentConsumer, values as string[], at);
    if ('rule' in resolved) return resolved;
    const { secretName, tags, planQuotas, blastRadius } = resolved;
    const policy = readConsumerPolicyTags(tags);
    if (isPolicyTagProblem(policy)) return { field: `${at} (${policy.tag})`, rule: policy.rule };
    if (policies.has(secretName)) {
      return { field: `${at}.secretName`, rule: `must not repeat ${secretName}` };
    }
    policies.set(secretName, {
      ...policy,
      ...(planQuotas.length === 0 ? {} : { planQuotas }),
      ...(blastRadius === undefined ? {} : { blastRadius }),
    });
  }
  return policies;
}

/** The entry's texts looked up, in the tag form whose rules the contract already has. */
function resolveEntry(
  entry: PolicyDocumentConsumer,
  values: readonly string[],
  at: string
):
  | {
      secretName: string;
      tags: Record<string, string>;
      planQuotas: PlanQuotaPolicy[];
      blastRadius?: BlastRadiusPolicy;
    }
  | PolicyDocumentProblem {
  if (typeof entry !== 'object' || entry === null) return { field: at, rule: 'must be an object' };
  const text = (field: string, raw: unknown): string | PolicyDocumentProblem => {
    if (typeof raw === 'string') return raw;
    const index = (raw as { value?: unknown } | null)?.value;
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < values.length)
      return values[index];
    return {
      field: `${at}.${field}`,
      rule: `must be a string or {"value": i} with i an index of the ${values.length} values`,
    };
  };
  const secretName = text('secretName', entry.secretName);
  if (typeof secretName !== 'string') return secretName;
  const keyPrefix = text('keyPrefix', entry.keyPrefix);
  if (typeof keyPrefix !== 'string') return keyPrefix;
  if (!Array.isArray(entry.usagePlanIds)) {
    return { field: `${at}.usagePlanIds`, rule: 'must be an array' };
  }
  const planIds: string[] = [];
  for (const [j, raw] of entry.usagePlanIds.entries()) {
    const id = text(`usagePlanIds[${j}]`, raw);
    if (typeof id !== 'string') return id;
    planIds.push(id);
  }
  let healthCheckUrl: string | undefined;
  if (entry.healthCheckUrl !== undefined) {
    const url = text('healthCheckUrl', entry.healthCheckUrl);
    if (typeof url !== 'string') return url;
    healthCheckUrl = url;
  }
  if (!Number.isSafeInteger(entry.gracePeriodSeconds)) {
    return { field: `${at}.gracePeriodSeconds`, rule: 'must be a whole number of seconds' };
  }
  if (typeof entry.consumer !== 'string') {
    return { field: `${at}.consumer`, rule: 'must be a string' };
  }
  const planQuotas = entry.planQuotas ?? [];
  if (!Array.isArray(planQuotas)) return { field: `${at}.planQuotas`, rule: 'must be an array' };
  const quotas: PlanQuotaPolicy[] = [];
  for (const [j, raw] of planQuotas.entries()) {
    const where = `${at}.planQuotas[${j}]`;
    if (typeof raw !== 'object' || raw === null) return { field: where, rule: 'must be an object' };
    const planId = text(`planQuotas[${j}].planId`, raw.planId);
    if (typeof planId !== 'string') return planId;
    const quota = { ...raw, planId } as PlanQuotaPolicy;
    const problem = planQuotaProblem(quota, planIds);
    if (problem !== undefined) return { field: `${where}.${problem.field}`, rule: problem.rule };
    if (quotas.some((q) => q.planId === planId)) {
      return { field: `${where}.planId`, rule: `must not repeat ${planId}` };
    }
    const { limit, period, offset } = quota;
    quotas.push({ planId, limit, period, offset });
  }
  let blastRadius: BlastRadiusPolicy | undefined;
  if (entry.blastRadius !== undefined) {
    const problem = blastRadiusProblem(entry.blastRadius);
    if (problem !== undefined)
      return { field: `${at}.blastRadius.${problem.field}`, rule: problem.rule };
    const { maxLiveKeys, maxRetainedKeys, rotateCoolDownSeconds, revokeCoolDownSeconds } =
      entry.blastRadius;
    blastRadius = { maxLiveKeys, maxRetainedKeys, rotateCoolDownSeconds, revokeCoolDownSeconds };
  }
  return {
    planQuotas: quotas,
    ...(blastRadius === undefined ? {} : { blastRadius }),
    secretName,
    tags: consumerPolicyTags({
      consumer: entry.consumer,
      usagePlanIds: planIds,
      gracePeriodSeconds: entry.gracePeriodSeconds,
      keyPrefix,
      ...(healthCheckUrl === undefined ? {} : { healthCheckUrl }),
      // Written out in the tag form, so the contract's usage rules check them (a wrong type fails).
      carryQuota: entry.carryQuota ?? true,
      quotaSlackPercent: entry.quotaSlackPercent ?? DEFAULT_QUOTA_SLACK_PERCENT,
      quietPeriodSeconds: entry.quietPeriodSeconds ?? DEFAULT_QUIET_PERIOD_SECONDS,
      maxHoldSeconds: entry.maxHoldSeconds ?? DEFAULT_MAX_HOLD_SECONDS,
    }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A document with every value written out (no KEYPLANE_POLICY_VALUES needed): for functions run
 * outside a stack, as the tests and benchmarks do.
 */
export function literalPolicyDocument(
  service: string,
  policies: Iterable<readonly [string, ConsumerPolicy]>
): PolicyDocument {
  return {
    format: POLICY_DOCUMENT_FORMAT,
    service,
    consumers: [...policies].map(([secretName, policy]) => ({ secretName, ...policy })),
  };
}
