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
import {
  consumerPolicyTags,
  isPolicyTagProblem,
  PLAN_ID_PATTERN,
  readConsumerPolicyTags,
} from './consumer-policy';
import type { ConsumerPolicy } from './consumer-policy';
import { planQuotaProblem, type PlanQuotaPolicy } from './plan-quota';
import { regionalPolicyProblem, type RegionalPolicy } from './regional-policy';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
} from './usage-rules';

/** File name of the document in the deployment package, beside index.js. */
export const POLICY_DOCUMENT_FILE = 'keyplane-policy.json';

/** The `format` of a document in which no consumer has further regions. */
export const POLICY_DOCUMENT_FORMAT = 'keyplane-policy/v1';

/**
 * The `format` of a document in which some consumer has further regions (`regions`): a function
 * that reads only v1 refuses it rather than make the key in its own region alone.
 */
export const POLICY_DOCUMENT_FORMAT_REGIONS = 'keyplane-policy/v2';

/** The formats this version reads. */
export type PolicyDocumentFormat =
  typeof POLICY_DOCUMENT_FORMAT | typeof POLICY_DOCUMENT_FORMAT_REGIONS;

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
  /** Further regions, each with its plans there; only in format v2. @default - none */
  readonly regions?: readonly PolicyDocumentRegion[];
}

/** A consumer's further region in the document, its plan ids written like `usagePlanIds`. */
export interface PolicyDocumentRegion {
  readonly region: string;
  readonly usagePlanIds: readonly PolicyText[];
  /** @default - none */
  readonly planQuotas?: readonly PolicyDocumentPlanQuota[];
}

/** A plan's quota in the document; the plan id is written like those of `usagePlanIds`. */
export interface PolicyDocumentPlanQuota extends Omit<PlanQuotaPolicy, 'planId'> {
  readonly planId: PolicyText;
}

/** The document as the constructs write it. */
export interface PolicyDocument {
  readonly format: PolicyDocumentFormat;
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

/** The format a document with these consumers is written in: v2 only when one has regions. */
export function policyDocumentFormat(
  consumers: readonly Pick<PolicyDocumentConsumer, 'regions'>[]
): PolicyDocumentFormat {
  return consumers.some((c) => (c.regions ?? []).length > 0)
    ? POLICY_DOCUMENT_FORMAT_REGIONS
    : POLICY_DOCUMENT_FORMAT;
}

/**
 * Reads the document and the values, checking every consumer against the same rules as at
 * synth (contract/consumer-policy.ts). `service` is the function's own: a document written for
 * another service is refused. `region`, when given, is the function's own, which no consumer
 * may declare as a further region.
 */
export function readDeployerPolicies(
  documentText: string,
  valuesText: string,
  service: string,
  region?: string
): DeployerPolicies | PolicyDocumentProblem {
  const values = parseJson(valuesText);
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
    return { field: 'values', rule: 'must be a JSON array of strings' };
  }
  const doc = parseJson(documentText) as Partial<PolicyDocument> | undefined;
  const formats: readonly unknown[] = [POLICY_DOCUMENT_FORMAT, POLICY_DOCUMENT_FORMAT_REGIONS];
  if (doc === undefined || doc === null || !formats.includes(doc.format)) {
    return {
      field: 'document',
      rule: `must be JSON with format ${POLICY_DOCUMENT_FORMAT} or ${POLICY_DOCUMENT_FORMAT_REGIONS}`,
    };
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
    const { secretName, tags, planQuotas, blastRadius, regions } = resolved;
    if (regions.length > 0 && doc.format !== POLICY_DOCUMENT_FORMAT_REGIONS) {
      return { field: `${at}.regions`, rule: `needs format ${POLICY_DOCUMENT_FORMAT_REGIONS}` };
    }
    const regional = regionalPolicyProblem(regions, region);
    if (regional !== undefined) {
      const { index, problem } = regional;
      return { field: `${at}.regions[${index}].${problem.field}`, rule: problem.rule };
    }
    const policy = readConsumerPolicyTags(tags);
    if (isPolicyTagProblem(policy)) return { field: `${at} (${policy.tag})`, rule: policy.rule };
    if (policies.has(secretName)) {
      return { field: `${at}.secretName`, rule: `must not repeat ${secretName}` };
    }
    policies.set(secretName, {
      ...policy,
      ...(planQuotas.length === 0 ? {} : { planQuotas }),
      ...(blastRadius === undefined ? {} : { blastRadius }),
      ...(regions.length === 0 ? {} : { regions }),
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
      regions: RegionalPolicy[];
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
  const quotas = resolvePlanQuotas(entry.planQuotas, planIds, text, at);
  if (!Array.isArray(quotas)) return quotas;
  const regions = resolveRegions(entry.regions, text, at);
  if (!Array.isArray(regions)) return regions;
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
    regions,
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

type ReadText = (field: string, raw: unknown) => string | PolicyDocumentProblem;

/** The quotas of `planIds` as the entry at `at` (or its region) writes them, checked. */
function resolvePlanQuotas(
  raw: unknown,
  planIds: readonly string[],
  text: ReadText,
  at: string,
  within = ''
): PlanQuotaPolicy[] | PolicyDocumentProblem {
  const planQuotas = raw ?? [];
  if (!Array.isArray(planQuotas)) {
    return { field: `${at}.${within}planQuotas`, rule: 'must be an array' };
  }
  const quotas: PlanQuotaPolicy[] = [];
  for (const [j, item] of (planQuotas as unknown[]).entries()) {
    const where = `${at}.${within}planQuotas[${j}]`;
    if (typeof item !== 'object' || item === null)
      return { field: where, rule: 'must be an object' };
    const entry = item as Partial<PolicyDocumentPlanQuota>;
    const planId = text(`${within}planQuotas[${j}].planId`, entry.planId);
    if (typeof planId !== 'string') return planId;
    const quota = { ...entry, planId } as PlanQuotaPolicy;
    const problem = planQuotaProblem(quota, planIds);
    if (problem !== undefined) return { field: `${where}.${problem.field}`, rule: problem.rule };
    if (quotas.some((q) => q.planId === planId)) {
      return { field: `${where}.planId`, rule: `must not repeat ${planId}` };
    }
    const { limit, period, offset } = quota;
    quotas.push({ planId, limit, period, offset });
  }
  return quotas;
}

/** The entry's further regions, their texts looked up; their rules are checked by the caller. */
function resolveRegions(
  raw: unknown,
  text: ReadText,
  at: string
): RegionalPolicy[] | PolicyDocumentProblem {
  const entries = raw ?? [];
  if (!Array.isArray(entries)) return { field: `${at}.regions`, rule: 'must be an array' };
  const regions: RegionalPolicy[] = [];
  for (const [i, item] of (entries as unknown[]).entries()) {
    const where = `${at}.regions[${i}]`;
    const entry = item as Partial<PolicyDocumentRegion> | null;
    if (typeof entry !== 'object' || entry === null)
      return { field: where, rule: 'must be an object' };
    if (typeof entry.region !== 'string')
      return { field: `${where}.region`, rule: 'must be a string' };
    if (!Array.isArray(entry.usagePlanIds)) {
      return { field: `${where}.usagePlanIds`, rule: 'must be an array' };
    }
    const usagePlanIds: string[] = [];
    for (const [j, rawId] of entry.usagePlanIds.entries()) {
      const id = text(`regions[${i}].usagePlanIds[${j}]`, rawId);
      if (typeof id !== 'string') return id;
      if (!PLAN_ID_PATTERN.test(id)) {
        return {
          field: `${where}.usagePlanIds[${j}]`,
          rule: 'must be a usage plan id (letters and digits)',
        };
      }
      if (!usagePlanIds.includes(id)) usagePlanIds.push(id);
    }
    const quotas = resolvePlanQuotas(entry.planQuotas, usagePlanIds, text, at, `regions[${i}].`);
    if (!Array.isArray(quotas)) return quotas;
    regions.push({
      region: entry.region,
      usagePlanIds,
      ...(quotas.length === 0 ? {} : { planQuotas: quotas }),
    });
  }
  return regions;
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
  const consumers = [...policies].map(([secretName, policy]) => ({ secretName, ...policy }));
  return { format: policyDocumentFormat(consumers), service, consumers };
}
