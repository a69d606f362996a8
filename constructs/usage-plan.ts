import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import {
  ApiGatewayUsagePlan,
  ApiGatewayUsagePlanApiStages,
} from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { PLAN_ID_PATTERN } from '../contract/consumer-policy';
import { MAX_QUOTA_OFFSET } from '../contract/plan-quota';
import { isKnownRegion, REGION_RULE } from '../contract/regional-policy';
import { PlanTag } from '../contract/tags';
import { conflict, invalidValue } from './errors';
import { providerRegion, regionalProvider } from './provider-region';
import { recordStage, stageKey } from './stage-conflicts';
import {
  requireNonNegativeInteger,
  requirePattern,
  requirePositiveInteger,
  requirePositiveNumber,
  validateTags,
} from './validation';

/** The period a quota counts requests over. */
export enum Period {
  /** A calendar day (UTC). */
  DAY = 'DAY',
  /** A week; `offset` moves its first day (0-6). */
  WEEK = 'WEEK',
  /** A calendar month; `offset` moves its first day (0-27). */
  MONTH = 'MONTH',
}

/** How many requests a key may make in a period. */
export interface QuotaSettings {
  /** Requests allowed per period; a positive integer. */
  readonly limit: number;
  /** The period the limit applies to. */
  readonly period: Period;
  /**
   * Days the period's start is moved by: 0 for DAY, 0-6 for WEEK, 0-27 for MONTH.
   * @default 0
   */
  readonly offset?: number;
}

/** The steady-state request rate and the burst a key may use. */
export interface ThrottleSettings {
  /** Requests per second, greater than 0. */
  readonly rateLimit: number;
  /** Requests allowed in a burst, a non-negative integer. */
  readonly burstLimit: number;
}

/** One deployed stage of a REST API that a usage plan covers. */
export interface UsagePlanStage {
  /** The REST API: its id, or the cdktf resource. */
  readonly api: string | ApiGatewayRestApi;
  /**
   * The stage: its name, or the cdktf resource (then the plan waits for the stage to exist).
   */
  readonly stage: string | ApiGatewayStage;
  /**
   * Throttles for single methods, keyed `/resource/path/METHOD` (e.g. `/pets/GET`, `/*` + `/*`);
   * METHOD is an HTTP method or `*`.
   * @default - the plan's throttle applies to every method
   */
  readonly methodThrottles?: Record<string, ThrottleSettings>;
}

/** Properties of a {@link UsagePlan}. */
export interface UsagePlanProps {
  /** The plan's name in API Gateway. */
  readonly name: string;
  /**
   * A description shown in the API Gateway console.
   * @default - none
   */
  readonly description?: string;
  /**
   * Requests each key may make per period.
   * @default - no quota
   */
  readonly quota?: QuotaSettings;
  /**
   * Request rate and burst allowed to each key.
   * @default - the account's and stage's throttles only
   */
  readonly throttle?: ThrottleSettings;
  /**
   * API stages the plan covers; more can be added with {@link UsagePlan.addApiStage}.
   * @default - none
   */
  readonly apiStages?: UsagePlanStage[];
  /**
   * Tags of the plan.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Id of an existing usage plan to take over instead of creating one: Terraform imports it (an
   * `import` block), then makes it match these props. It keeps its id, its keys and their usage,
   * so keys moved to keyplane (see ManagedApiKeyProps.adoptKeyId) never leave a plan. Remove the
   * plan from the Terraform that managed it first, without destroying it (docs/migration.md).
   * @default - a new plan is created
   */
  readonly importId?: string;
  /**
   * AWS region of the plan, when not the stack's: the plan is made through the stack's AWS
   * provider for that region (regionalProvider), and a consumer with plans in further regions
   * gets a key with the same value in each of them (README, "Multi-region keys").
   * @default - the stack's region
   */
  readonly region?: string;
}

/** An API stage as the plan holds it, with ids that may be tokens. */
export interface ApiStageRef {
  /** Id of the REST API. */
  readonly apiId: string;
  /** Name of the stage. */
  readonly stageName: string;
  /**
   * Name of the REST API, which CloudWatch's AWS/ApiGateway metrics are keyed by.
   * @default - unknown: the stage was given by API id
   */
  readonly apiName?: string;
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', '*'];
const METHOD_THROTTLE_KEY = new RegExp(
  `^(/|(/(\\*|[A-Za-z0-9._~{}+-]+))+)/(${HTTP_METHODS.map((m) => m.replace('*', '\\*')).join('|')})$`
);

/**
 * An API Gateway usage plan: the quota and throttles that apply to every key in it, and the
 * API stages it opens to them.
 *
 * @example
 * const gold = new UsagePlan(this, 'Gold', {
 *   name: 'gold',
 *   quota: { limit: 100_000, period: Period.MONTH },
 *   throttle: { rateLimit: 50, burstLimit: 100 },
 *   apiStages: [{ api: restApi, stage, methodThrottles: { '/orders/POST': { rateLimit: 5, burstLimit: 10 } } }],
 * });
 */
export class UsagePlan extends Construct {
  /** The usage plan id. */
  readonly usagePlanId: string;
  /** The usage plan ARN. */
  readonly usagePlanArn: string;
  /** The plan's name in API Gateway. */
  readonly planName: string;
  /**
   * The plan's quota as declared: the policy document carries it to the rotation function,
   * whose quota carry then needs no GetUsagePlans call.
   * @default - no quota
   */
  readonly quota?: QuotaSettings;
  /**
   * The plan's region as declared.
   * @default - the stack's region
   */
  readonly region?: string;

  private readonly resource: ApiGatewayUsagePlan;
  private readonly tags: Record<string, string>;
  private service?: { readonly name: string; readonly claimant: string };
  private readonly stages: ApiGatewayUsagePlanApiStages[] = [];
  private readonly stageRefs: ApiStageRef[] = [];

  constructor(scope: Construct, id: string, props: UsagePlanProps) {
    super(scope, id);
    const path = this.node.path;
    if (!Token.isUnresolved(props.name) && props.name.trim() === '') {
      throw invalidValue(path, 'name', props.name, 'be a non-empty string');
    }
    if (props.quota) validateQuota(path, 'quota', props.quota);
    if (props.throttle) validateThrottle(path, 'throttle', props.throttle);
    validateTags(path, props.tags ?? {}, 0);

    if (props.region !== undefined && !isKnownRegion(props.region)) {
      throw invalidValue(path, 'region', props.region, REGION_RULE);
    }
    if (props.region !== undefined && props.region === providerRegion(this)) {
      throw invalidValue(
        path,
        'region',
        props.region,
        "not be the stack's own region (leave region out for a plan there)"
      );
    }

    this.planName = props.name;
    this.quota = props.quota;
    this.region = props.region;
    this.resource = new ApiGatewayUsagePlan(this, 'Resource', {
      ...(props.region === undefined ? {} : { provider: regionalProvider(this, props.region) }),
      name: props.name,
      description: props.description,
      quotaSettings: props.quota && {
        limit: props.quota.limit,
        period: props.quota.period,
        offset: props.quota.offset ?? 0,
      },
      throttleSettings: props.throttle && renderThrottle(props.throttle),
      tags: props.tags,
    });
    if (props.importId !== undefined) {
      requirePattern(
        path,
        'importId',
        props.importId,
        PLAN_ID_PATTERN,
        'be a usage plan id (letters and digits)'
      );
      this.resource.importFrom(props.importId);
    }
    this.tags = { ...props.tags };
    this.usagePlanId = this.resource.id;
    this.usagePlanArn = this.resource.arn;
    for (const stage of props.apiStages ?? []) this.addApiStage(stage);
  }

  /**
   * Marks the plan as one whose keys `serviceName` rotates, with the keyplane:service tag its
   * rotation function's IAM policy requires before it adds a key to the plan or removes one. A
   * plan takes the keys of one rotation service; `claimant` (a construct path) is named when a
   * second service claims it.
   */
  claimForService(serviceName: string, claimant: string): void {
    const tagged = this.tags[PlanTag.SERVICE];
    if (this.service && this.service.name !== serviceName) {
      throw conflict(
        claimant,
        `usage plan ${this.node.path} already takes the keys of rotation service ${JSON.stringify(this.service.name)} (claimed by ${this.service.claimant}); a plan serves one rotation service, so give ${JSON.stringify(serviceName)} its own plan`
      );
    }
    if (tagged !== undefined && tagged !== serviceName) {
      throw conflict(
        claimant,
        `usage plan ${this.node.path} has tags["${PlanTag.SERVICE}"] = ${JSON.stringify(tagged)}, but its keys are rotated by ${JSON.stringify(serviceName)}; remove that tag (keyplane sets it)`
      );
    }
    this.service = { name: serviceName, claimant };
    this.tags[PlanTag.SERVICE] = serviceName;
    this.resource.tags = { ...this.tags };
  }

  /** Opens another API stage to the keys of this plan. */
  addApiStage(stage: UsagePlanStage): void {
    const path = this.node.path;
    const apiId = typeof stage.api === 'string' ? stage.api : stage.api.id;
    const stageName = typeof stage.stage === 'string' ? stage.stage : stage.stage.stageName;
    const field = `apiStages[${this.stages.length}]`;
    const { key, shown } = stageKey(this, stage);
    if (!recordStage(this, key, shown)) {
      throw conflict(path, `${field} covers ${shown} a second time; list each stage once`);
    }
    const throttles = Object.entries(stage.methodThrottles ?? {}).map(([key, throttle]) => {
      requirePattern(
        path,
        `${field}.methodThrottles key`,
        key,
        METHOD_THROTTLE_KEY,
        `have the shape "/resource/path/METHOD" with METHOD one of ${HTTP_METHODS.join(', ')}`
      );
      validateThrottle(path, `${field}.methodThrottles["${key}"]`, throttle);
      return { path: key, ...renderThrottle(throttle) };
    });
    this.stages.push({
      apiId,
      stage: stageName,
      throttle: throttles.length ? throttles : undefined,
    });
    this.stageRefs.push(
      typeof stage.api === 'string'
        ? { apiId, stageName }
        : { apiId, stageName, apiName: stage.api.name }
    );
    this.resource.putApiStages(this.stages);
  }

  /** The API stages this plan covers. */
  get apiStages(): readonly ApiStageRef[] {
    return this.stageRefs;
  }
}

function validateQuota(path: string, field: string, quota: QuotaSettings): void {
  requirePositiveInteger(path, `${field}.limit`, quota.limit);
  if (!Object.values(Period).includes(quota.period)) {
    throw invalidValue(
      path,
      `${field}.period`,
      quota.period,
      `be one of ${Object.values(Period).join(', ')}`
    );
  }
  const offset = quota.offset ?? 0;
  const max = MAX_QUOTA_OFFSET[quota.period];
  if (
    !Token.isUnresolved(offset) &&
    (!Number.isSafeInteger(offset) || offset < 0 || offset > max)
  ) {
    const allowed = max === 0 ? 'be 0' : `be an integer from 0 to ${max}`;
    throw invalidValue(path, `${field}.offset`, offset, `${allowed} for period ${quota.period}`);
  }
}

function validateThrottle(path: string, field: string, throttle: ThrottleSettings): void {
  requirePositiveNumber(path, `${field}.rateLimit`, throttle.rateLimit);
  requireNonNegativeInteger(path, `${field}.burstLimit`, throttle.burstLimit);
}

function renderThrottle(throttle: ThrottleSettings): { rateLimit: number; burstLimit: number } {
  return { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit };
}
