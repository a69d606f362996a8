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
import { AssetType, Fn, Lazy, TerraformAsset, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  DEFAULT_OVERDUE_MARGIN_SECONDS,
  LambdaEnv,
  SWEEP_EVENT,
  TEARDOWN_EVENT,
  TEARDOWN_TERRAFORM_KEY,
} from '../contract/events';
import { Duration } from './duration';
import { conflict, invalidValue } from './errors';
import { lambdaBundleZip } from './lambda-bundle';
import { OwnershipKey } from './ownership-key';
import { RotationMonitoring } from './rotation-monitoring';
import { rotationPolicy } from './rotation-policy';
import { suppressScannerCheck } from './scanner-suppression';
import { requirePattern } from './validation';

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
   * Concurrent executions reserved for the Lambda, which also caps it.
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
}

const SERVICE_NAME = /^[A-Za-z0-9-]{1,40}$/;
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,256}\/$/;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];
const SINGLETON_ID = 'KeyplaneRotation';
/** An EventBridge schedule: rate(1 minute|N minutes|hours|days) or a 6-field cron(). */
const EVENTBRIDGE_SCHEDULE =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/** The service name a stack's rotation service gets unless one is given: `keyplane-<stack>`. */
export function defaultServiceName(stackId: string): string {
  return `keyplane-${stackId}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40);
}
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

  private readonly consumers = new Set<string>();
  /** Reader principals by the name of the secret they may read. */
  private readonly readers = new Map<string, readonly string[]>();
  /** The permission Secrets Manager needs before a rotation can be turned on. */
  readonly invokePermission: LambdaPermission;
  /**
   * Runs the Lambda's teardown when the stack is destroyed; every consumer secret depends on
   * it, so Terraform destroys the secrets first and the teardown then deletes their keys.
   */
  readonly teardown: LambdaInvocation;

  constructor(scope: Construct, id: string, props: RotationServiceProps = {}) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const path = this.node.path;
    if (services.has(stack)) {
      throw conflict(
        path,
        `stack ${stack.node.id} already has a rotation service (${services.get(stack)!.node.path}); a stack has one`
      );
    }
    services.set(stack, this);

    this.serviceName = props.serviceName ?? defaultServiceName(stack.node.id);
    this.secretPrefix = props.secretPrefix ?? `keyplane/${stack.node.id}/`;
    requirePattern(
      path,
      'serviceName',
      this.serviceName,
      SERVICE_NAME,
      'be 1-40 letters, digits or hyphens'
    );
    requirePattern(
      path,
      'secretPrefix',
      this.secretPrefix,
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
    const deleteRetiredAfter = props.deleteRetiredAfter ?? Duration.days(7);
    if (deleteRetiredAfter.toSeconds() < 3_600) {
      throw invalidValue(
        path,
        'deleteRetiredAfter',
        String(deleteRetiredAfter),
        'be at least 1h, so a mistaken retirement can be undone'
      );
    }
    const overdueMargin =
      props.overdueMargin ?? Duration.minutes(DEFAULT_OVERDUE_MARGIN_SECONDS / 60);
    const sweepSchedule = props.sweepSchedule ?? 'rate(1 hour)';
    requirePattern(
      path,
      'sweepSchedule',
      sweepSchedule,
      EVENTBRIDGE_SCHEDULE,
      'be an EventBridge schedule: rate(1 minute|hour|day), rate(N minutes|hours|days) or cron() with six fields'
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
    const reservedConcurrency = props.reservedConcurrency ?? 10;
    if (!Number.isSafeInteger(reservedConcurrency) || reservedConcurrency < 1) {
      throw invalidValue(path, 'reservedConcurrency', reservedConcurrency, 'be a positive integer');
    }

    const partition = new DataAwsPartition(this, 'Partition').partition;
    const region = new DataAwsRegion(this, 'Region').name;
    const account = new DataAwsCallerIdentity(this, 'Account').accountId;
    this.functionName = `${this.serviceName}-rotation`;
    const logGroupName = `/aws/lambda/${this.functionName}`;
    const secretArnPattern = `arn:${partition}:secretsmanager:${region}:${account}:secret:${this.secretPrefix}*`;

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
              readers: [...this.readers]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([secretName, principals]) => ({ secretName, principals })),
              services: monitoring.keyPolicyStatements,
            })
          ),
      }),
    });
    new KmsAlias(this, 'KeyAlias', { name: `alias/${this.serviceName}`, targetKeyId: key.keyId });
    this.kmsKeyArn = key.arn;

    const logGroup = new CloudwatchLogGroup(this, 'Logs', {
      name: logGroupName,
      retentionInDays: logRetentionDays,
      kmsKeyId: key.arn,
    });
    const deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      name: `${this.serviceName}-rotation-dlq`,
      kmsMasterKeyId: key.arn,
      messageRetentionSeconds: 14 * 86_400,
    });
    this.deadLetterQueueUrl = deadLetterQueue.url;

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
    this.roleArn = role.arn;
    const ownershipKey = new OwnershipKey(this, 'OwnershipKey', {
      serviceName: this.serviceName,
      functionRoleArn: role.arn,
      partition,
      account,
    });
    const policy = new IamRolePolicy(this, 'RolePolicy', {
      name: 'rotate-api-keys',
      role: role.id,
      policy: JSON.stringify(
        rotationPolicy({
          partition,
          region,
          account,
          secretPrefix: this.secretPrefix,
          kmsKeyArn: key.arn,
          ownershipKeyArn: ownershipKey.keyArn,
          logGroupArn: logGroup.arn,
          deadLetterQueueArn: deadLetterQueue.arn,
        })
      ),
    });

    // Zipped at build time: an ARCHIVE asset would spawn a zip process on every synth.
    const bundle = new TerraformAsset(this, 'Bundle', {
      path: lambdaBundleZip('rotation'),
      type: AssetType.FILE,
    });
    const fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: `keyplane ${this.serviceName}: issues, rotates and retires API keys`,
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: bundle.path,
      sourceCodeHash: Fn.filebase64sha256(bundle.path),
      memorySize: 256,
      timeout: 300,
      reservedConcurrentExecutions: reservedConcurrency,
      kmsKeyArn: key.arn,
      deadLetterConfig: { targetArn: deadLetterQueue.arn },
      tracingConfig: { mode: 'Active' },
      environment: {
        variables: {
          [LambdaEnv.SERVICE]: this.serviceName,
          [LambdaEnv.SECRET_PREFIX]: this.secretPrefix,
          [LambdaEnv.DELETE_AFTER_SECONDS]: String(deleteRetiredAfter.toSeconds()),
          [LambdaEnv.OVERDUE_MARGIN_SECONDS]: String(overdueMargin.toSeconds()),
          [LambdaEnv.OWNERSHIP_KEY_ID]: ownershipKey.keyId,
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
      dependsOn: [logGroup, policy],
    });
    this.functionArn = fn.arn;
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

    this.invokePermission = new LambdaPermission(this, 'SecretsManagerInvoke', {
      statementId: 'SecretsManagerRotatesThisServicesSecrets',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: account,
      sourceArn: secretArnPattern,
    });

    this.teardown = new LambdaInvocation(this, 'Teardown', {
      functionName: fn.functionName,
      input: JSON.stringify(TEARDOWN_EVENT),
      lifecycleScope: 'CRUD',
      terraformKey: TEARDOWN_TERRAFORM_KEY,
      dependsOn: [policy],
    });

    const sweep = new CloudwatchEventRule(this, 'SweepSchedule', {
      name: `${this.serviceName}-sweep`,
      description: `keyplane ${this.serviceName}: retires, deletes and reconciles managed API keys`,
      scheduleExpression: sweepSchedule,
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

    const monitoring: RotationMonitoring = new RotationMonitoring(this, 'Monitoring', {
      serviceName: this.serviceName,
      functionName: this.functionName,
      deadLetterQueueName: deadLetterQueue.name,
      logGroupName,
      kmsKeyArn: key.arn,
      partition,
      region,
      account,
      sweepSchedule,
      alarmEmails: props.alarmEmails ?? [],
      alarmTopicArn: props.alarmTopicArn,
      extraAlarmActions: props.alarmActions ?? [],
    });
    this.alarmTopicArn = monitoring.alarmTopicArn;
    this.dashboardName = monitoring.dashboardName;
  }

  /** Claims a consumer name; a name may be used once per service. */
  registerConsumer(path: string, consumer: string): void {
    if (this.consumers.has(consumer)) {
      throw conflict(
        path,
        `consumer ${JSON.stringify(consumer)} is declared twice in rotation service ${this.serviceName}; consumer names must be unique`
      );
    }
    this.consumers.add(consumer);
  }

  /**
   * Lets these principals decrypt one secret of the service, through Secrets Manager only: the
   * key policy grants them kms:Decrypt under that secret's encryption context alone.
   */
  addReaders(secretName: string, principalArns: readonly string[]): void {
    if (principalArns.length === 0) return;
    this.readers.set(secretName, [...new Set(principalArns)].sort());
  }
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
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:Describe*',
      ],
      Resource: '*',
      Condition: {
        ArnEquals: {
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
