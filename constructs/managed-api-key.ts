import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { secretTags } from '../contract/secret-tags';
import { BOOTSTRAP_STAGE, bootstrapValue } from '../contract/secret-value';
import { PLAN_ID_SEPARATOR } from '../contract/tags';
import type { Duration } from './duration';
import { invalidValue } from './errors';
import { declareAdoption } from './key-adoption';
import { announceKeyRegions, keyRegions, replicaRegionsWithKeys } from './key-regions';
import { KeyRotationSchedule } from './key-rotation-schedule';
import { resolveKeySettings, type KeySettings } from './managed-api-key-settings';
import { declareConsumerPolicy } from './policy-document';
import { RotationService } from './rotation-service';
import { wiringOf } from './service-wiring';
import { stageConflicts } from './stage-conflicts';
import { QuotaSettings, ThrottleSettings, UsagePlan, UsagePlanStage } from './usage-plan';

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
   * Usage plans the consumer's key belongs to. Plans with a `region` make the consumer
   * multi-region: the key is made with the same value in each of their regions too, and the
   * secret is replicated there (README, "Multi-region keys").
   * @default - none; then `dedicatedPlan` must be set
   */
  readonly usagePlans?: UsagePlan[];
  /**
   * A plan made for this consumer alone, with its own quota and throttle.
   * @default - no dedicated plan
   */
  readonly dedicatedPlan?: DedicatedPlanOptions;
  /**
   * When the key is rotated: `rate(N hours)` with N from 4 to 24000, `rate(N days)` with N from 1
   * to 1000, or a six-field `cron(0 ...)` whose rotations are at least 4 hours apart.
   * @default KeyRotationSchedule.every(Duration.days(30))
   */
  readonly schedule?: KeyRotationSchedule;
  /**
   * How long Secrets Manager may take to start a scheduled rotation: whole hours from 1h to
   * 24h, no longer than the time between rotations, and for a cron schedule not past the end of
   * the UTC day.
   * @default - Secrets Manager's default window
   */
  readonly rotationWindow?: Duration;
  /**
   * How long the outgoing key keeps working after a rotation, for consumers to re-read the
   * secret. Shorter than the time between rotations, and at most 365 days.
   * @default Duration.hours(24)
   */
  readonly gracePeriod?: Duration;
  /**
   * Letters and digits (at most 90) that start every key value, so a leaked key names its
   * consumer.
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
   * The regions of `usagePlans` in other regions are added (README, "Multi-region keys").
   * @default - no replicas but those regions
   */
  readonly replicaRegions?: string[];
  /**
   * A URL testSecret calls with the new key in `x-api-key` before it goes live; any answer
   * but 403 passes.
   * @default - no health check
   */
  readonly healthCheckUrl?: string;
  /**
   * Carry the outgoing key's remaining quota over to the new key at each rotation, and share
   * each plan's quota between the two keys while both are enabled, so a rotation neither
   * resets nor doubles the consumer's quota (README, "Quota carry and traffic-aware
   * retirement", states the bound and its exceptions).
   * @default true
   */
  readonly carryQuota?: boolean;
  /**
   * Whole percentage (0-100) of a plan's quota the key that is not carrying the consumer's
   * traffic may spend between two sweeps: the two keys together spend at most the quota plus
   * this share of it in a quota period.
   * @default 10
   */
  readonly quotaSlackPercent?: number;
  /**
   * Retire the outgoing key before its grace period ends once the sweep has seen no traffic on
   * it for this long; 0 (`Duration.hours(0)`, "0h" in the config file) never retires early. At
   * most 30 days.
   * @default Duration.hours(6)
   */
  readonly quietPeriod?: Duration;
  /**
   * Keep an outgoing key that is still in use when its grace period ends enabled (held) for up
   * to this long, then retire it anyway; every hold shows as a metric, an alarm and in
   * `keyplane status`. 0 never holds. At most 30 days.
   * @default Duration.days(3)
   */
  readonly maxHold?: Duration;
  /**
   * Keys of the consumer enabled at once: 2 is the current key plus the outgoing one in its
   * grace period; 1 gives the outgoing key no grace. A new key retires the older ones beyond it
   * in the same rotation (docs/trust.md, "Bounded blast radius").
   * @default 2
   */
  readonly maxLiveKeys?: number;
  /**
   * Retired (disabled) keys of the consumer kept for `deleteRetiredAfter`, where they can still
   * be restored; the sweep deletes the oldest beyond this at once. 0 to 100.
   * @default 2
   */
  readonly maxRetainedKeys?: number;
  /**
   * Window after a completed rotation in which the consumer gets at most `maxLiveKeys` new keys:
   * a rotation (`keyplane rotate`, any RotateSecret caller, a schedule) that would issue one more
   * within it is refused, so the first rotate-now after a deploy goes through and a burst of them
   * does not. Under 4 hours, Secrets Manager's shortest schedule; 0 never refuses.
   * @default Duration.minutes(15)
   */
  readonly rotateCoolDown?: Duration;
  /**
   * After a revoke that issued a key, how long another such revoke of the consumer is refused.
   * A revoke right after a rotation always goes through; revoking one non-current key with
   * `--key` is never refused. At most 1 day; 0 never refuses.
   * @default Duration.minutes(5)
   */
  readonly revokeCoolDown?: Duration;
  /**
   * The rotation service that rotates this key.
   * @default - the stack's rotation service, created if it has none
   */
  readonly rotationService?: RotationService;
  /**
   * Id of an existing API key (e.g. one made by Terraform's `aws_api_gateway_api_key`) that the
   * consumer's first rotation takes over instead of making a new key: the secret's first key is
   * that key, with the value consumers already use, read once by the rotation function (never by
   * Terraform); it is added to `usagePlans` and replaced by the next scheduled rotation like any
   * other key. Ignored once the consumer has had a key. See docs/migration.md.
   * @default - no key is adopted: the first rotation makes a new key
   */
  readonly adoptKeyId?: string;
  /**
   * Tags added to the secret (besides the ones keyplane writes).
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

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
 *   schedule: KeyRotationSchedule.every(Duration.days(30)),
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
    const service = props.rotationService ?? RotationService.of(this);
    this.consumer = props.consumer;
    this.dedicatedPlan = props.dedicatedPlan && this.createDedicatedPlan(service, props);
    this.usagePlans = [
      ...(props.usagePlans ?? []),
      ...(this.dedicatedPlan ? [this.dedicatedPlan] : []),
    ];
    for (const plan of this.usagePlans) plan.claimForService(service.serviceName, this.node.path);
    const settings = resolveKeySettings(this.node.path, service, props, this.usagePlans);
    this.secretName = settings.secretName;
    // Plans may cover more stages after this key is made: check again at synth.
    this.node.addValidation({ validate: () => stageConflicts(this.usagePlans) });
    this.secret = this.createSecret(service, props, settings);
    if (keyRegions(this.usagePlans).length > 0) announceKeyRegions(wiringOf(service));
    const adoption =
      props.adoptKeyId === undefined
        ? undefined
        : declareAdoption(
            wiringOf(service).adoption,
            this.node.path,
            this.secretName,
            props.adoptKeyId
          );
    this.createRotation(service, settings, adoption);
  }

  /** ARN of the consumer's secret. */
  get secretArn(): string {
    return this.secret.arn;
  }

  private createDedicatedPlan(service: RotationService, props: ManagedApiKeyProps): UsagePlan {
    if (props.dedicatedPlan!.apiStages.length === 0) {
      throw invalidValue(
        this.node.path,
        'dedicatedPlan.apiStages',
        [],
        'hold at least one API stage (a plan without one lets the key call nothing)'
      );
    }
    return new UsagePlan(this, 'DedicatedPlan', {
      name: `${service.serviceName}-${props.consumer}`,
      description: `keyplane: dedicated plan of consumer ${props.consumer}`,
      ...props.dedicatedPlan!,
    });
  }

  /**
   * The consumer's policy, declared in the service's policy document (the only policy the
   * function obeys), and the secret, tagged with its consumer, plans and service for people to
   * read (contract/secret-tags.ts).
   */
  private createSecret(
    service: RotationService,
    props: ManagedApiKeyProps,
    settings: KeySettings
  ): SecretsmanagerSecret {
    declareConsumerPolicy(service, {
      consumer: props.consumer,
      secretName: this.secretName,
      plans: this.usagePlans,
      gracePeriodSeconds: settings.gracePeriod.toSeconds(),
      keyPrefix: settings.keyPrefix,
      ...(props.healthCheckUrl === undefined ? {} : { healthCheckUrl: props.healthCheckUrl }),
      usage: settings.usage,
      blastRadius: settings.blastRadius,
    });
    return new SecretsmanagerSecret(this, 'Secret', {
      name: this.secretName,
      description: `keyplane: API key of consumer ${props.consumer}, rotated by ${service.serviceName}`,
      kmsKeyId: service.kmsKeyArn,
      recoveryWindowInDays: settings.recoveryWindowInDays,
      replica: this.replicas(props.replicaRegions ?? []),
      policy: settings.readers.length > 0 ? readersPolicy(settings.readers) : undefined,
      tags: {
        ...props.tags,
        ...secretTags({
          consumer: props.consumer,
          // One element: the Terraform expression that joins the plan ids with the separator.
          // The plans of the stack's region: those of further regions are in the policy document.
          usagePlanIds: [
            planIdsTag(
              this,
              this.usagePlans.filter((plan) => plan.region === undefined)
            ),
          ],
          service: service.serviceName,
        }),
      },
      // Destroyed before the teardown runs, so the teardown finds this secret gone.
      dependsOn: [wiringOf(service).teardown],
    });
  }

  /** Replicas of the secret: the declared ones and one in each further key region. */
  private replicas(declared: readonly string[]): { region: string }[] | undefined {
    const regions = replicaRegionsWithKeys(declared, this.usagePlans);
    return regions.length === 0 ? undefined : regions.map((region) => ({ region }));
  }

  /** The placeholder version (no key) and the rotation schedule. */
  private createRotation(
    service: RotationService,
    settings: KeySettings,
    adoptionPolicy: IamRolePolicy | undefined
  ): void {
    // Each read of a resource attribute makes a new token (with a stack trace): read once.
    const secretId = this.secret.id;
    const placeholder = new SecretsmanagerSecretVersion(this, 'Placeholder', {
      secretId,
      secretString: JSON.stringify(bootstrapValue(this.consumer)),
      versionStages: ['AWSCURRENT', BOOTSTRAP_STAGE],
      lifecycle: { ignoreChanges: ['secret_string', 'version_stages'] },
    });
    new SecretsmanagerSecretRotation(this, 'Rotation', {
      secretId,
      rotationLambdaArn: service.functionArn,
      rotationRules: {
        scheduleExpression: settings.schedule.expressionString,
        duration: settings.rotationWindow && `${settings.rotationWindow.toHoursCeil()}h`,
      },
      // An adopting first rotation tags the adopted key: it waits for that grant.
      dependsOn: [
        placeholder,
        wiringOf(service).invokePermission,
        ...(adoptionPolicy ? [adoptionPolicy] : []),
      ],
    });
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
