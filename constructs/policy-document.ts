/**
 * The deployer's policy document of a rotation service (contract/deployer-policy.ts): each key
 * adds its consumer's policy as it is made, and the service renders the document at synth,
 * with every unresolved value (plan ids, a token-valued URL) moved to the values list that
 * becomes the function's KEYPLANE_POLICY_VALUES. Internal to the constructs.
 */
import { Token } from 'cdktf';
import type { BlastRadiusPolicy } from '../contract/blast-radius';
import type { ConsumerPolicy } from '../contract/consumer-policy';
import {
  policyDocumentFormat,
  type PolicyDocument,
  type PolicyDocumentConsumer,
  type PolicyDocumentRegion,
  type PolicyText,
} from '../contract/deployer-policy';
import type { UsagePlan } from './usage-plan';

/** One consumer's policy as its key declares it; any string may be a token. */
export interface DeclaredConsumerPolicy {
  readonly consumer: string;
  readonly secretName: string;
  /** Every plan of the consumer; those with a region make its further regions. */
  readonly plans: readonly UsagePlan[];
  readonly gracePeriodSeconds: number;
  readonly keyPrefix: string;
  readonly healthCheckUrl?: string;
  /** Quota carry and traffic-aware retirement (contract/usage-rules.ts), resolved. */
  readonly usage: Pick<
    ConsumerPolicy,
    'carryQuota' | 'quotaSlackPercent' | 'quietPeriodSeconds' | 'maxHoldSeconds'
  >;
  /** Live- and retained-key caps and cool-downs, resolved. */
  readonly blastRadius: BlastRadiusPolicy;
}

/** What a value in the list is, for the environment size estimate. */
export type PolicyValueKind = 'usagePlanId' | 'secretName' | 'keyPrefix' | 'healthCheckUrl';

/** The rendered document and the apply-time values it refers to. */
export interface RenderedPolicy {
  /** The document's JSON, deterministic for the same declarations. */
  readonly document: string;
  /** Unresolved values, in the order the document refers to them, each with its kind. */
  readonly values: readonly { readonly token: string; readonly kind: PolicyValueKind }[];
}

const declarations = new WeakMap<object, DeclaredConsumerPolicy[]>();

/** Adds a consumer to its service's document. */
export function declareConsumerPolicy(service: object, policy: DeclaredConsumerPolicy): void {
  const list = declarations.get(service) ?? [];
  declarations.set(service, [...list, policy]);
}

/** The document of `service`, consumers ordered by name. */
export function renderPolicyDocument(service: object, serviceName: string): RenderedPolicy {
  const values: { token: string; kind: PolicyValueKind }[] = [];
  const indexOf = new Map<string, number>();
  const text = (raw: string, kind: PolicyValueKind): PolicyText => {
    if (!Token.isUnresolved(raw)) return raw;
    let index = indexOf.get(raw);
    if (index === undefined) {
      index = values.push({ token: raw, kind }) - 1;
      indexOf.set(raw, index);
    }
    return { value: index };
  };
  const consumers = [...(declarations.get(service) ?? [])]
    .sort((a, b) => (a.consumer < b.consumer ? -1 : a.consumer > b.consumer ? 1 : 0))
    .map((c): PolicyDocumentConsumer => ({
      secretName: text(c.secretName, 'secretName'),
      consumer: c.consumer,
      usagePlanIds: primaryPlans(c.plans).map((plan) => text(plan.usagePlanId, 'usagePlanId')),
      gracePeriodSeconds: c.gracePeriodSeconds,
      keyPrefix: text(c.keyPrefix, 'keyPrefix'),
      ...(c.healthCheckUrl === undefined
        ? {}
        : { healthCheckUrl: text(c.healthCheckUrl, 'healthCheckUrl') }),
      ...c.usage,
      blastRadius: c.blastRadius,
      ...planQuotas(primaryPlans(c.plans), (id) => text(id, 'usagePlanId')),
      ...regions(c.plans, (id) => text(id, 'usagePlanId')),
    }));
  const document: PolicyDocument = {
    format: policyDocumentFormat(consumers),
    service: serviceName,
    consumers,
  };
  return { document: JSON.stringify(document), values };
}

/** The plans in the function's own region. */
function primaryPlans(plans: readonly UsagePlan[]): UsagePlan[] {
  return plans.filter((plan) => plan.region === undefined);
}

/** The further regions of a consumer's plans, in name order, each with its plans and quotas. */
function regions(
  plans: readonly UsagePlan[],
  text: (id: string) => PolicyText
): Pick<PolicyDocumentConsumer, 'regions'> {
  const byRegion = new Map<string, UsagePlan[]>();
  for (const plan of plans) {
    if (plan.region !== undefined)
      byRegion.set(plan.region, [...(byRegion.get(plan.region) ?? []), plan]);
  }
  const declared = [...byRegion]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([region, inRegion]): PolicyDocumentRegion => ({
      region,
      usagePlanIds: inRegion.map((plan) => text(plan.usagePlanId)),
      ...planQuotas(inRegion, text),
    }));
  return declared.length === 0 ? {} : { regions: declared };
}

/**
 * The quotas of the plans that have one, each plan's id written like those of `usagePlanIds`.
 * A quota whose limit or offset is a token (known only at apply) is left out: its plan's quota
 * is not carried.
 */
function planQuotas(
  plans: readonly UsagePlan[],
  text: (id: string) => PolicyText
): Pick<PolicyDocumentConsumer, 'planQuotas'> {
  const quotas = plans.flatMap((plan) => {
    const q = plan.quota;
    if (q === undefined || Token.isUnresolved(q.limit) || Token.isUnresolved(q.offset ?? 0))
      return [];
    return [
      { planId: text(plan.usagePlanId), limit: q.limit, period: q.period, offset: q.offset ?? 0 },
    ];
  });
  return quotas.length === 0 ? {} : { planQuotas: quotas };
}
