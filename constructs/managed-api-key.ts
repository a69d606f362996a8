import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { healthCheckUrlProblem } from '../contract/health-check-url';
import {
  KEY_BODY_LENGTH,
  KEY_CHECKSUM_LENGTH,
  KEY_MAX_LENGTH,
  KEY_MIN_LENGTH,
  KEY_PREFIX_PATTERN,
} from '../contract/key-format';
import { BOOTSTRAP_STAGE, bootstrapValue } from '../contract/secret-value';
import { PLAN_ID_SEPARATOR, SecretTag } from '../contract/tags';
import { Duration } from './duration';
import { conflict, invalidValue } from './errors';
import { RotationSchedule } from './rotation-schedule';
import { RotationService } from './rotation-service';
import { QuotaSettings, ThrottleSettings, UsagePlan, UsagePlanStage } from './usage-plan';
import { requirePattern } from './validation';

/** API Gateway lets a key be in at most 10 usage plans. */
export const MAX_PLANS_PER_KEY = 10;

/** A usage plan made for one consumer alone: the per-consumer quota shortcut. */
export interface DedicatedPlanOptions {
  /**
   * Requests the consumer may make per period.
   * @default - no quota
   */
  readonly quota?: QuotaSettings;
  /**
   * Request rate and burst allowed to the consumer.
   * @default - the account's and stage's throttles only
   */
  readonly throttle?: ThrottleSettings;
  /** API stages the plan opens to the consumer. */
  readonly apiStages: UsagePlanStage[];
}

/** Properties of a {@link ManagedApiKey}. */
export interface ManagedApiKeyProps {
  /**
   * The consumer's name: unique within the stack; letters, digits, `-` and `_`, at most 64
   * characters. It names the secret and the keys.
   */
  readonly consumer: string;
  /**
   * Usage plans the consumer's key belongs to.
   * @default - none; then `dedicatedPlan` must be set
   */
  readonly usagePlans?: UsagePlan[];
  /**
   * A plan made for this consumer alone, with its own quota and throttle.
   * @default - no dedicated plan
   */
  readonly dedicatedPlan?: DedicatedPlanOptions;
  /**
   * When the key is rotated.
   * @default RotationSchedule.every(Duration.days(30))
   */
  readonly schedule?: RotationSchedule;
  /**
   * How long Secrets Manager may take to start a scheduled rotation: at least 1h, at most 24h,
   * and shorter than the time between rotations.
   * @default - Secrets Manager's default window
   */
  readonly rotationWindow?: Duration;
  /**
   * How long the outgoing key keeps working after a rotation, for consumers to re-read the
   * secret. Shorter than the time between rotations.
   * @default Duration.hours(24)
   */
  readonly gracePeriod?: Duration;
  /**
   * Letters and digits that start every key value, so a leaked key names its consumer.
   * @default - the consumer's letters and digits, at most 24
   */
  readonly keyPrefix?: string;
  /**
   * IAM principal ARNs allowed to read the secret, granted by the secret's resource policy
   * (and the KMS key's policy), so they need no identity policy of their own for it.
   * @default - no resource policy; access comes from identity policies only
   */
  readonly readers?: string[];
  /**
   * Name of the secret under the rotation service's secret prefix.
   * @default - the consumer name
   */
  readonly secretName?: string;
  /**
   * Days a deleted secret can be restored: 0 (deleted at once) or 7-30.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /**
   * Regions the secret is replicated to (encrypted there with the region's AWS managed key).
   * @default - no replicas
   */
  readonly replicaRegions?: string[];
  /**
   * An https URL testSecret calls with the new key in `x-api-key` before it goes live; any
   * answer but 403 passes. Plain http is accepted only for localhost (a local emulator).
   * @default - no health check
   */
  readonly healthCheckUrl?: string;
  /**
   * The rotation service that rotates this key.
   * @default - the stack's rotation service, created if it has none
   */
  readonly rotationService?: RotationService;
  /**
   * Tags added to the secret (besides the ones keyplane writes).
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const CONSUMER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const DEFAULT_PREFIX_LENGTH = 24;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Secrets Manager's longest secret name. */
const MAX_SECRET_NAME_LENGTH = 512;
/** Tag keys keyplane writes on the secret; user tags may not use the prefix. */
const RESERVED_TAG_PREFIX = 'keyplane:';

/**
 * One API consumer's key: a Secrets Manager secret that always names the key to use, rotated
 * on a schedule by the stack's {@link RotationService}.
 *
 * Terraform creates the secret with a placeholder that holds no key, and the rotation;
 * the rotation Lambda creates every API key and its plan memberships, so no key value ever
 * lands in Terraform state.
 *
 * @example
 * new ManagedApiKey(this, 'Acme', {
 *   consumer: 'acme',
 *   usagePlans: [gold],
 *   schedule: RotationSchedule.every(Duration.days(30)),
 *   gracePeriod: Duration.hours(24),
 *   readers: ['arn:aws:iam::111122223333:role/acme-api-client'],
 * });
 */
export class ManagedApiKey extends Construct {
  /** The consumer's name. */
  readonly consumer: string;
  /** Full name of the consumer's secret. */
  readonly secretName: string;
  /** The usage plans the consumer's key belongs to, the dedicated plan included. */
  readonly usagePlans: readonly UsagePlan[];
  /** The consumer's dedicated plan, when one was asked for. */
  readonly dedicatedPlan?: UsagePlan;

  private readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: ManagedApiKeyProps) {
    super(scope, id);
    const path = this.node.path;
    const service = props.rotationService ?? RotationService.of(this);
    requirePattern(
      path,
      'consumer',
      props.consumer,
      CONSUMER_NAME,
      'start with a letter or digit and hold only letters, digits, "-" and "_", at most 64 characters'
    );
    service.registerConsumer(path, props.consumer);
    this.consumer = props.consumer;

    const schedule = props.schedule ?? RotationSchedule.every(Duration.days(30));
    const interval = schedule.minimumInterval(path, 'schedule');
    const gracePeriod = props.gracePeriod ?? Duration.hours(24);
    if (gracePeriod.toSeconds() >= interval.toSeconds()) {
      throw invalidValue(
        path,
        'gracePeriod',
        String(gracePeriod),
        `be shorter than the time between rotations (${interval} for ${schedule.expressionString})`
      );
    }
    if (props.rotationWindow) validateWindow(path, props.rotationWindow, interval, schedule);
    const keyPrefix =
      props.keyPrefix ??
      props.consumer.replace(/[^A-Za-z0-9]/g, '').slice(0, DEFAULT_PREFIX_LENGTH);
    validateKeyPrefix(path, keyPrefix);
    const recoveryWindowInDays = props.recoveryWindowInDays ?? 30;
    if (
      !Number.isSafeInteger(recoveryWindowInDays) ||
      (recoveryWindowInDays !== 0 && (recoveryWindowInDays < 7 || recoveryWindowInDays > 30))
    ) {
      throw invalidValue(
        path,
        'recoveryWindowInDays',
        recoveryWindowInDays,
        'be 0 or an integer from 7 to 30'
      );
    }
    const secretSuffix = props.secretName ?? props.consumer;
    requirePattern(
      path,
      'secretName',
      secretSuffix,
      SECRET_NAME,
      'hold only letters, digits and /_+=.@-'
    );
    if (props.healthCheckUrl !== undefined) validateHealthCheckUrl(path, props.healthCheckUrl);
    validateReplicaRegions(path, props.replicaRegions ?? []);
    for (const tag of Object.keys(props.tags ?? {})) {
      if (tag.startsWith(RESERVED_TAG_PREFIX)) {
        throw invalidValue(
          path,
          'tags key',
          tag,
          `not start with "${RESERVED_TAG_PREFIX}" (keyplane writes those tags: the consumer's policy)`
        );
      }
    }

    if (props.dedicatedPlan) {
      this.dedicatedPlan = new UsagePlan(this, 'DedicatedPlan', {
        name: `${service.serviceName}-${props.consumer}`,
        description: `keyplane: dedicated plan of consumer ${props.consumer}`,
        ...props.dedicatedPlan,
      });
    }
    this.usagePlans = [
      ...(props.usagePlans ?? []),
      ...(this.dedicatedPlan ? [this.dedicatedPlan] : []),
    ];
    validatePlans(path, this.usagePlans);
    this.node.addValidation({ validate: () => stageConflicts(path, this.usagePlans) });

    const readers = props.readers ?? [];
    readers.forEach((arn, i) =>
      requirePattern(
        path,
        `readers[${i}]`,
        arn,
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/,
        'be an IAM principal ARN (arn:aws:iam::<account>:...)'
      )
    );

    this.secretName = `${service.secretPrefix}${secretSuffix}`;
    if (this.secretName.length > MAX_SECRET_NAME_LENGTH) {
      throw invalidValue(
        path,
        'secretName',
        secretSuffix,
        `keep the full secret name within Secrets Manager's ${MAX_SECRET_NAME_LENGTH} characters (with prefix ${service.secretPrefix} it is ${this.secretName.length})`
      );
    }
    service.addReaders(this.secretName, readers);
    const secret = new SecretsmanagerSecret(this, 'Secret', {
      name: this.secretName,
      description: `keyplane: API key of consumer ${props.consumer}, rotated by ${service.serviceName}`,
      kmsKeyId: service.kmsKeyArn,
      recoveryWindowInDays,
      replica: props.replicaRegions?.map((region) => ({ region })),
      policy: readers.length > 0 ? readersPolicy(readers) : undefined,
      tags: {
        ...props.tags,
        [SecretTag.CONSUMER]: props.consumer,
        [SecretTag.USAGE_PLANS]: planIdsTag(this, this.usagePlans),
        [SecretTag.GRACE_PERIOD_SECONDS]: String(gracePeriod.toSeconds()),
        [SecretTag.KEY_PREFIX]: keyPrefix,
        [SecretTag.SERVICE]: service.serviceName,
        ...(props.healthCheckUrl ? { [SecretTag.HEALTH_CHECK_URL]: props.healthCheckUrl } : {}),
      },
      // Destroyed before the teardown runs, so the teardown finds this secret gone.
      dependsOn: [service.teardown],
    });
    this.secret = secret;
    // Each read of a resource attribute makes a new token (with a stack trace): read once.
    const secretId = secret.id;

    const placeholder = new SecretsmanagerSecretVersion(this, 'Placeholder', {
      secretId,
      secretString: JSON.stringify(bootstrapValue(props.consumer)),
      versionStages: ['AWSCURRENT', BOOTSTRAP_STAGE],
      lifecycle: { ignoreChanges: ['secret_string', 'version_stages'] },
    });

    new SecretsmanagerSecretRotation(this, 'Rotation', {
      secretId,
      rotationLambdaArn: service.functionArn,
      rotationRules: {
        scheduleExpression: schedule.expressionString,
        duration: props.rotationWindow ? `${props.rotationWindow.toHoursCeil()}h` : undefined,
      },
      dependsOn: [placeholder, service.invokePermission],
    });
  }

  /** ARN of the consumer's secret. */
  get secretArn(): string {
    return this.secret.arn;
  }
}

/** Per stack, the usage-plans tag already built for a set of plans (keyed by their paths). */
const planIdTags = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * The usage-plans tag: the plans' ids joined by {@link PLAN_ID_SEPARATOR}, resolved by
 * Terraform. Consumers of the same plans share one expression, so a stack of thousands of
 * consumers builds (and cdktf resolves) a handful of them, not one each.
 */
function planIdsTag(scope: Construct, plans: readonly UsagePlan[]): string {
  const stack = TerraformStack.of(scope);
  let tags = planIdTags.get(stack);
  if (!tags) planIdTags.set(stack, (tags = new Map()));
  const key = plans.map((plan) => plan.node.path).join('\n');
  let tag = tags.get(key);
  if (tag === undefined) {
    tag = Fn.join(
      PLAN_ID_SEPARATOR,
      plans.map((plan) => plan.usagePlanId)
    );
    tags.set(key, tag);
  }
  return tag;
}

function validateWindow(
  path: string,
  window: Duration,
  interval: Duration,
  schedule: RotationSchedule
): void {
  const hours = window.toSeconds() / 3_600;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24) {
    throw invalidValue(path, 'rotationWindow', String(window), 'be whole hours from 1h to 24h');
  }
  if (window.toSeconds() >= interval.toSeconds()) {
    throw invalidValue(
      path,
      'rotationWindow',
      String(window),
      `be shorter than the time between rotations (${interval} for ${schedule.expressionString})`
    );
  }
}

function validateKeyPrefix(path: string, prefix: string): void {
  requirePattern(path, 'keyPrefix', prefix, KEY_PREFIX_PATTERN, 'hold only letters and digits');
  const length = prefix.length + KEY_BODY_LENGTH + KEY_CHECKSUM_LENGTH;
  if (length < KEY_MIN_LENGTH || length > KEY_MAX_LENGTH) {
    const most = KEY_MAX_LENGTH - KEY_BODY_LENGTH - KEY_CHECKSUM_LENGTH;
    throw invalidValue(
      path,
      'keyPrefix',
      prefix,
      `be at most ${most} characters, so keys stay within API Gateway's ${KEY_MIN_LENGTH}-${KEY_MAX_LENGTH} characters (they would be ${length})`
    );
  }
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

function validateReplicaRegions(path: string, regions: readonly string[]): void {
  regions.forEach((region, i) => {
    requirePattern(
      path,
      `replicaRegions[${i}]`,
      region,
      REGION,
      'be an AWS region such as "eu-west-1"'
    );
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
      '[]',
      'name at least one usage plan (or set dedicatedPlan)'
    );
  }
  if (plans.length > MAX_PLANS_PER_KEY) {
    throw invalidValue(
      path,
      'usagePlans',
      `${plans.length} plans`,
      `hold at most ${MAX_PLANS_PER_KEY} plans (API Gateway's limit per key)`
    );
  }
  const seen = new Set<UsagePlan>();
  for (const plan of plans) {
    if (seen.has(plan)) throw conflict(path, `usagePlans names ${plan.node.path} twice`);
    seen.add(plan);
  }
  const errors = stageConflicts(path, plans);
  if (errors.length > 0) throw conflict(path, errors[0]);
}

/** API Gateway allows a key in only one plan per API stage. */
function stageConflicts(path: string, plans: readonly UsagePlan[]): string[] {
  const owner = new Map<string, UsagePlan>();
  const errors: string[] = [];
  for (const plan of plans) {
    for (const stage of plan.apiStages) {
      const stageKey = `${stage.apiId}/${stage.stageName}`;
      const other = owner.get(stageKey);
      if (other && other !== plan) {
        errors.push(
          `${path}: usagePlans ${other.node.path} and ${plan.node.path} both cover API ${stage.apiId} stage ${stage.stageName}; API Gateway allows a key in one plan per API stage`
        );
      }
      owner.set(stageKey, plan);
    }
  }
  return errors;
}

/**
 * The secret's resource policy: the declared readers may read it; nobody may change its value,
 * stages or policy through this policy (it grants nothing else). Resource `*` means this secret.
 */
function readersPolicy(readers: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DeclaredReadersReadTheKey',
        Effect: 'Allow',
        Principal: { AWS: [...readers] },
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: '*',
      },
    ],
  });
}
