import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Aspects, AssetType, Fn, Lazy, TerraformAsset, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { SECONDS_PER } from '../contract/durations';
import { LambdaEnv, SWEEP_EVENT, teardownEvent, TEARDOWN_TERRAFORM_KEY } from '../contract/events';
import { sweepIntervalSeconds } from '../contract/sweep-schedule';
import { capacityProblems } from './capacity';
import { Duration } from './duration';
import { conflict } from './errors';
import { functionCodeWithPolicy } from './function-code';
import { keyRegions } from './key-regions';
import { lambdaBundleZip } from './lambda-bundle';
import {
  environmentSize,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  type EnvironmentValue,
} from './lambda-environment-size';
import { serviceNameCollisions } from './name-collisions';
import { OwnershipKey } from './ownership-key';
import { renderPolicyDocument, type PolicyValueKind, type RenderedPolicy } from './policy-document';
import { RotationMonitoring } from './rotation-monitoring';
import { rotationPolicy } from './rotation-policy';
import { resolveServiceSettings, type ServiceSettings } from './rotation-service-settings';
import { suppressScannerCheck } from './scanner-suppression';
import { wireService, wiringOf, type ServiceWiring } from './service-wiring';

/** Properties of a {@link RotationService}. */
export interface RotationServiceProps {
  /**
   * Name of the service: it names the Lambda, role, key alias and queue, and tags every API
   * key the service creates, so a sweep only ever touches its own keys. Letters, digits and
   * hyphens, at most 40 characters.
   * @default - `keyplane-<stack name>`
   */
  readonly serviceName?: string;
  /**
   * Prefix of the names of the secrets this service manages; its Lambda may touch no others.
   * @default - `keyplane/<stack name>/`
   */
  readonly secretPrefix?: string;
  /**
   * How long a retired key stays disabled (and can be re-enabled by hand) before the sweep
   * deletes it.
   * @default Duration.days(7)
   */
  readonly deleteRetiredAfter?: Duration;
  /**
   * How often the sweep runs (an EventBridge schedule expression).
   * @default 'rate(1 hour)'
   */
  readonly sweepSchedule?: string;
  /**
   * Days the Lambda's logs are kept.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Concurrent executions reserved for the Lambda, which also caps it. Each container paces its
   * API Gateway calls at this part of the function's share of the account's rate (half of
   * 10/s), so all of them together stay within the share: more concurrency runs more
   * invocations at once, not more API Gateway calls (bench/README.md, "Pacing across
   * containers"). AWS advises at least 10 for a rotation function.
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * E-mail addresses subscribed to the alarm topic. Each address gets a confirmation mail from
   * SNS and receives nothing until it confirms.
   * @default - no e-mail subscription
   */
  readonly alarmEmails?: string[];
  /**
   * An existing SNS topic for the service's alarms, instead of the one it creates. Its policy
   * (and its KMS key's, if encrypted) must let cloudwatch.amazonaws.com publish.
   * @default - a topic `<serviceName>-alarms`, encrypted with the service's KMS key
   */
  readonly alarmTopicArn?: string;
  /**
   * Further ARNs (e.g. other SNS topics) notified when an alarm of the service fires or clears,
   * besides the alarm topic.
   * @default - only the alarm topic
   */
  readonly alarmActions?: string[];
  /**
   * How long a consumer's key may outlive its rotation schedule before the overdue alarm fires.
   * The default leaves room for Secrets Manager's day-long rotation window and one retry.
   * @default Duration.days(2)
   */
  readonly overdueMargin?: Duration;
  /**
   * The account's API Gateway quotas in this region, when raised (Service Quotas): synth
   * counts the worst case of keys and plans of every service in the region against them, an
   * error over a quota and a warning above 80% of it. Where services of one region state
   * different quotas, the largest is used.
   * @default - API Gateway's default quotas: 10,000 API keys and 300 usage plans per region
   */
  readonly accountQuotas?: AccountQuotas;
  /**
   * Keys, enabled and retained, the service may hold in its region. The function refuses to
   * issue a key beyond it (revoke, the sweep's heal, a rotation started within a grace period
   * of the last) and the sweep reports the keys held (alarm key-budget); synth counts it against
   * the region's capacity with `accountQuotas`.
   * @default - the sum over the consumers of maxLiveKeys + maxRetainedKeys + 1 (a rotation's new key)
   */
  readonly keyBudget?: number;
}

/** API Gateway quotas of the account in the stack's region, where they were raised. */
export interface AccountQuotas {
  /**
   * API keys the account may hold in the region.
   * @default 10000 (API Gateway's default quota)
   */
  readonly apiKeysPerRegion?: number;
  /**
   * Usage plans the account may hold in the region.
   * @default 300 (API Gateway's default quota)
   */
  readonly usagePlansPerRegion?: number;
}

const SINGLETON_ID = 'KeyplaneRotation';
const services = new WeakMap<TerraformStack, RotationService>();

/**
 * The per-stack machinery that rotates managed API keys: a KMS key for the secrets, the
 * rotation Lambda with its least-privilege role and log group, the permission for Secrets
 * Manager to invoke it, an hourly sweep schedule, a dead-letter queue and alarms.
 *
 * Every {@link ManagedApiKey} in a stack uses the stack's one service; the first key creates
 * it, or create it yourself first to set its properties.
 *
 * @example
 * const rotation = new RotationService(stack, 'Rotation', { deleteRetiredAfter: Duration.days(3) });
 * new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [gold], rotationService: rotation });
 */
export class RotationService extends Construct {
  /** The stack's rotation service, created with default properties if it has none yet. */
  static of(scope: Construct): RotationService {
    const stack = TerraformStack.of(scope);
    return services.get(stack) ?? new RotationService(stack, SINGLETON_ID);
  }

  /** Name of the service; API keys it creates are tagged with it. */
  readonly serviceName: string;
  /** Prefix of the names of the secrets this service manages. */
  readonly secretPrefix: string;
  /** ARN of the KMS key that encrypts the secrets, the logs and the dead-letter queue. */
  readonly kmsKeyArn: string;
  /** ARN of the rotation Lambda. */
  readonly functionArn: string;
  /** Name of the rotation Lambda. */
  readonly functionName: string;
  /** ARN of the Lambda's role. */
  readonly roleArn: string;
  /** URL of the queue that holds invocations that failed for good. */
  readonly deadLetterQueueUrl: string;
  /** ARN of the SNS topic the service's alarms notify. */
  readonly alarmTopicArn: string;
  /** Name of the service's CloudWatch dashboard. */
  readonly dashboardName: string;

  /** The props, checked and with their defaults applied. */
  private readonly settings: ServiceSettings;
  /** The deployer's policy document, rendered once at synth when every consumer is declared. */
  private rendered?: RenderedPolicy;
  /** The function's code with the document, made at synth (see createFunction). */
  private code?: { readonly path: string; readonly sha256Base64: string };

  constructor(scope: Construct, id: string, props: RotationServiceProps = {}) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const existing = services.get(stack);
    if (existing) {
      throw conflict(
        this.node.path,
        `stack ${stack.node.id} already has a rotation service (${existing.node.path}); create one per stack and pass it as rotationService`
      );
    }
    services.set(stack, this);
    this.settings = resolveServiceSettings(this.node.path, stack.node.id, props);
    this.serviceName = this.settings.serviceName;
    this.secretPrefix = this.settings.secretPrefix;
    this.functionName = `${this.serviceName}-rotation`;

    const env = this.createEnvironment();
    this.kmsKeyArn = env.key.arn;
    this.deadLetterQueueUrl = env.deadLetterQueue.url;
    const fn = this.createFunction(env);
    this.functionArn = fn.arn;
    this.roleArn = env.role.arn;
    const wiring = this.createTriggers(fn, env);
    wireService(this, wiring);

    const monitoring: RotationMonitoring = new RotationMonitoring(this, 'Monitoring', {
      serviceName: this.serviceName,
      functionName: this.functionName,
      deadLetterQueueName: env.deadLetterQueue.name,
      logGroupName: env.logGroupName,
      kmsKeyArn: env.key.arn,
      partition: env.partition,
      region: env.region,
      account: env.account,
      sweepSchedule: this.settings.sweepSchedule,
      alarmEmails: props.alarmEmails ?? [],
      alarmTopicArn: props.alarmTopicArn,
      extraAlarmActions: props.alarmActions ?? [],
      usagePlans: () => [...wiring.consumers.values()].flatMap((c) => c.plans),
    });
    env.keyPolicyServices.push(...monitoring.keyPolicyStatements);
    this.alarmTopicArn = monitoring.alarmTopicArn;
    this.dashboardName = monitoring.dashboardName;
    this.node.addValidation({
      validate: () => [
        ...serviceNameCollisions(this),
        ...capacityProblems(this),
        ...this.environmentSizeProblems(fn),
      ],
    });
  }

  /** The KMS key, log group, dead-letter queue and role the function runs with. */
  private createEnvironment(): FunctionEnvironment {
    const partition = new DataAwsPartition(this, 'Partition').partition;
    const region = new DataAwsRegion(this, 'Region').name;
    const account = new DataAwsCallerIdentity(this, 'Account').accountId;
    const logGroupName = `/aws/lambda/${this.functionName}`;
    const keyPolicyServices: object[] = [];
    const key = new KmsKey(this, 'Key', {
      description: `keyplane ${this.serviceName}: encrypts API key secrets, rotation logs and the dead-letter queue`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify(
            keyPolicy({
              partition,
              region,
              account,
              logGroupName,
              readers: [...wiringOf(this).readers]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([secretName, principals]) => ({ secretName, principals })),
              services: keyPolicyServices,
            })
          ),
      }),
    });
    new KmsAlias(this, 'KeyAlias', { name: `alias/${this.serviceName}`, targetKeyId: key.keyId });
    const logGroup = new CloudwatchLogGroup(this, 'Logs', {
      name: logGroupName,
      retentionInDays: this.settings.logRetentionDays,
      kmsKeyId: key.arn,
    });
    const deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      name: `${this.serviceName}-rotation-dlq`,
      kmsMasterKeyId: key.arn,
      messageRetentionSeconds: 14 * SECONDS_PER.day,
    });
    const scope = { partition, region, account, key, logGroup, logGroupName, deadLetterQueue };
    const { role, policy, ownershipKey } = this.createRole(scope);
    return { ...scope, role, policy, ownershipKey, keyPolicyServices };
  }

  /** The function's role and its least-privilege policy. */
  private createRole(
    env: Omit<FunctionEnvironment, 'role' | 'policy' | 'ownershipKey' | 'keyPolicyServices'>
  ) {
    const role = new IamRole(this, 'Role', {
      name: `${this.serviceName}-rotation`,
      description: `keyplane ${this.serviceName}: the rotation Lambda's role`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    });
    const ownershipKey = new OwnershipKey(this, 'OwnershipKey', {
      serviceName: this.serviceName,
      functionRoleArn: role.arn,
      partition: env.partition,
      account: env.account,
    });
    const policy = new IamRolePolicy(this, 'RolePolicy', {
      name: 'rotate-api-keys',
      role: role.id,
      // Lazy: the keys declared after the service add their further regions.
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify(
            rotationPolicy({
              partition: env.partition,
              region: env.region,
              keyRegions: keyRegions(
                [...wiringOf(this).consumers.values()].flatMap((c) => c.plans)
              ),
              serviceName: this.serviceName,
              account: env.account,
              secretPrefix: this.secretPrefix,
              kmsKeyArn: env.key.arn,
              ownershipKeyArn: ownershipKey.keyArn,
              logGroupArn: env.logGroup.arn,
              deadLetterQueueArn: env.deadLetterQueue.arn,
            })
          ),
      }),
    });
    return { role, policy, ownershipKey };
  }

  /** The policy document of the consumers declared so far; fixed once rendered at synth. */
  private policy(): RenderedPolicy {
    return (this.rendered ??= renderPolicyDocument(this, this.serviceName));
  }

  /**
   * The function's package with the policy document, made once, at synth: every consumer is
   * declared by then, and cdktf has not yet copied the assets.
   */
  private shippedCode(): { readonly path: string; readonly sha256Base64: string } {
    if (this.code === undefined) {
      const made = functionCodeWithPolicy(lambdaBundleZip('rotation'), this.policy().document);
      const bundle = new TerraformAsset(this, 'Bundle', {
        path: made.file,
        type: AssetType.FILE,
        assetHash: made.sha256Hex.toUpperCase(),
      });
      this.code = { path: bundle.path, sha256Base64: made.sha256Base64 };
    }
    return this.code;
  }

  /**
   * The rotation Lambda: the bundle built by `npm run build:lambda` plus the deployer's policy
   * document (function-code.ts); the values the document refers to go into
   * KEYPLANE_POLICY_VALUES. Consumers are declared after the service, so the package is made at
   * synth: by an aspect (cdktf runs aspects before it copies assets), or earlier when
   * `App.synth` resolves the stack first to find cross-stack references.
   */
  private createFunction(env: FunctionEnvironment): LambdaFunction {
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) this.shippedCode();
      },
    });
    const fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: `keyplane ${this.serviceName}: issues, rotates and retires API keys`,
      role: env.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: Lazy.stringValue({ produce: () => this.shippedCode().path }),
      sourceCodeHash: Lazy.stringValue({ produce: () => this.shippedCode().sha256Base64 }),
      memorySize: 256,
      timeout: 300,
      reservedConcurrentExecutions: this.settings.reservedConcurrency,
      kmsKeyArn: env.key.arn,
      deadLetterConfig: { targetArn: env.deadLetterQueue.arn },
      tracingConfig: { mode: 'Active' },
      // The function writes one JSON object per line with a `level` (log.ts, metrics.ts): in
      // JSON format Lambda passes those lines through, writes its own (start, report) as JSON
      // too, so every line of the log group parses, and sets AWS_LAMBDA_LOG_LEVEL, which
      // log.ts filters by. Levels stated, as AWS would default them, so plans stay clean.
      loggingConfig: {
        logFormat: 'JSON',
        applicationLogLevel: 'INFO',
        systemLogLevel: 'INFO',
        logGroup: env.logGroupName,
      },
      environment: {
        variables: {
          [LambdaEnv.SERVICE]: this.serviceName,
          [LambdaEnv.SECRET_PREFIX]: this.secretPrefix,
          [LambdaEnv.DELETE_AFTER_SECONDS]: String(this.settings.deleteRetiredAfter.toSeconds()),
          [LambdaEnv.OVERDUE_MARGIN_SECONDS]: String(this.settings.overdueMargin.toSeconds()),
          [LambdaEnv.OWNERSHIP_KEY_ID]: env.ownershipKey.keyId,
          [LambdaEnv.RESERVED_CONCURRENCY]: String(this.settings.reservedConcurrency),
          ...(this.settings.keyBudget === undefined
            ? {}
            : { [LambdaEnv.KEY_BUDGET]: String(this.settings.keyBudget) }),
          [LambdaEnv.POLICY_VALUES]: Lazy.stringValue({
            produce: () => Fn.jsonencode(this.policy().values.map((value) => value.token)),
          }),
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
      dependsOn: [env.logGroup, env.policy],
    });
    suppressScannerCheck(
      fn,
      'CKV_AWS_117',
      'No VPC: the function calls only the public, IAM-authenticated Secrets Manager and API Gateway APIs and reaches no private resource; a VPC would need NAT or interface endpoints this construct does not own.'
    );
    suppressScannerCheck(
      fn,
      'CKV_AWS_272',
      'No code signing: the bundle ships inside the npm package and is pinned by source_code_hash; AWS Signer needs a signing profile and an S3-hosted signed artifact outside this construct.'
    );
    return fn;
  }

  /**
   * An error when the function's environment could pass Lambda's 4 KB limit once Terraform
   * fills in the policy values, each counted at its longest.
   */
  private environmentSizeProblems(fn: LambdaFunction): string[] {
    const variables: Record<string, EnvironmentValue> = {};
    for (const [name, value] of Object.entries(fn.environment.variablesInput ?? {})) {
      variables[name] =
        name === LambdaEnv.POLICY_VALUES
          ? { maxLength: policyValuesMaxLength(this.policy().values) }
          : Token.isUnresolved(value)
            ? { maxLength: MAX_TOKEN_VARIABLE_LENGTH }
            : value;
    }
    const size = environmentSize(variables);
    if (size <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
    const counts = new Map<PolicyValueKind, number>();
    for (const { kind } of this.policy().values) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const held = [...counts].map(
      ([kind, n]) => `${n} ${kind} (each counted at ${POLICY_VALUE_MAX_LENGTH[kind]} characters)`
    );
    return [
      `the rotation function's environment variables may reach ${size} bytes once applied, over Lambda's limit of 4 KB (${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes for all of a function's variables together); ${LambdaEnv.POLICY_VALUES} holds ${held.join(', ') || 'no values'}: share usage plans between consumers instead of a dedicatedPlan each, give literal health-check URLs, or split the consumers across stacks`,
    ];
  }

  /** What invokes the function: Secrets Manager, the teardown on destroy, the sweep schedule. */
  private createTriggers(fn: LambdaFunction, env: FunctionEnvironment): ServiceWiring {
    const secretArnPattern = `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${this.secretPrefix}*`;
    const invokePermission = new LambdaPermission(this, 'SecretsManagerInvoke', {
      statementId: 'SecretsManagerRotatesThisServicesSecrets',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: env.account,
      sourceArn: secretArnPattern,
    });
    const teardown = new LambdaInvocation(this, 'Teardown', {
      functionName: fn.functionName,
      // Its create and update check that no secret name of the stack is scheduled for deletion
      // (contract TeardownEvent): the names are read at synth, once every key is declared.
      input: Lazy.stringValue({
        produce: () => JSON.stringify(teardownEvent([...wiringOf(this).secretNames.keys()])),
      }),
      lifecycleScope: 'CRUD',
      terraformKey: TEARDOWN_TERRAFORM_KEY,
      dependsOn: [env.policy],
    });
    const sweep = new CloudwatchEventRule(this, 'SweepSchedule', {
      name: `${this.serviceName}-sweep`,
      description: `keyplane ${this.serviceName}: retires, deletes and reconciles managed API keys`,
      scheduleExpression: this.settings.sweepSchedule,
    });
    new CloudwatchEventTarget(this, 'SweepTarget', {
      rule: sweep.name,
      arn: fn.arn,
      input: JSON.stringify(SWEEP_EVENT),
    });
    new LambdaPermission(this, 'SweepInvoke', {
      statementId: 'EventBridgeRunsTheSweep',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: sweep.arn,
    });
    return {
      quotas: this.settings.accountQuotas,
      retentionSeconds: this.settings.deleteRetiredAfter.toSeconds(),
      sweepPeriodSeconds: sweepIntervalSeconds(this.settings.sweepSchedule),
      ...(this.settings.keyBudget === undefined ? {} : { keyBudget: this.settings.keyBudget }),
      consumers: new Map(),
      secretNames: new Map(),
      readers: new Map(),
      invokePermission,
      teardown,
      adoption: {
        scope: this,
        function: fn,
        roleId: env.role.id,
        partition: env.partition,
        region: env.region,
      },
    };
  }
}

/** What the function runs with. */
interface FunctionEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly logGroupName: string;
  readonly deadLetterQueue: SqsQueue;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  /** The HMAC key whose MACs prove which API keys the function made. */
  readonly ownershipKey: OwnershipKey;
  /** Statements for AWS services that use the key, filled in by the monitoring. */
  readonly keyPolicyServices: object[];
}

interface KeyPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly logGroupName: string;
  /** Each readable secret's name and the principals that may read it. */
  readonly readers: readonly {
    readonly secretName: string;
    readonly principals: readonly string[];
  }[];
  /** Statements for AWS services that use the key (CloudWatch, for the alarm topic). */
  readonly services: readonly object[];
}

/**
 * The KMS key policy: the account administers the key; logs, readers and the services that
 * publish to the alarm topic may use it.
 */
function keyPolicy(scope: KeyPolicyScope) {
  const statements: object[] = [
    {
      Sid: 'AccountAdministersKeyThroughIam',
      Effect: 'Allow',
      Principal: { AWS: `arn:${scope.partition}:iam::${scope.account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'CloudWatchLogsEncryptsTheRotationLogs',
      Effect: 'Allow',
      Principal: { Service: `logs.${scope.region}.amazonaws.com` },
      // No kms:Describe*: DescribeKey carries no encryption context, so under this condition
      // it could never match. The context key is a String key, hence StringEquals.
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:${scope.logGroupName}`,
        },
      },
    },
    ...scope.services,
  ];
  // One statement per readable secret: a reader decrypts its own secret's values only
  // (Secrets Manager passes the secret's ARN as encryption context; its name ends in -??????).
  scope.readers.forEach(({ secretName, principals }, index) => {
    statements.push({
      Sid: `Reader${index}DecryptsOneSecretThroughSecretsManager`,
      Effect: 'Allow',
      Principal: { AWS: [...principals] },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${scope.region}.amazonaws.com` },
        StringLike: {
          'kms:EncryptionContext:SecretARN': `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${secretName}-??????`,
        },
      },
    });
  });
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The longest each kind of apply-time policy value can be: API Gateway makes usage plan ids of
 * 6 characters and the local AWS of 10; the others are the rules' own limits.
 */
const POLICY_VALUE_MAX_LENGTH: Record<PolicyValueKind, number> = {
  usagePlanId: 10,
  secretName: 512,
  keyPrefix: 90,
  healthCheckUrl: 256,
};

/** The longest an apply-time variable other than the policy values can be (a KMS key id). */
const MAX_TOKEN_VARIABLE_LENGTH = 40;

/** The longest KEYPLANE_POLICY_VALUES can be: a JSON array of the values, quoted. */
function policyValuesMaxLength(values: RenderedPolicy['values']): number {
  const commas = Math.max(values.length - 1, 0);
  return 2 + commas + values.reduce((sum, { kind }) => sum + 2 + POLICY_VALUE_MAX_LENGTH[kind], 0);
}
