import * as path from 'path';
import { AwsProvider, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AWS_ENDPOINT_KEYWORD } from '../cli/aws-target';
import { Duration } from '../constructs/duration';
import { KeyRotationSchedule } from '../constructs/key-rotation-schedule';
import { ManagedApiKey } from '../constructs/managed-api-key';
import { RotationService } from '../constructs/rotation-service';
import { UsagePlan, UsagePlanStage } from '../constructs/usage-plan';
import { ApiStageConfig, ConfigError, EnvironmentConfig } from './config';
import { DemoApi } from './demo-api';

/** Every AWS service the stack touches, pointed at a local emulator when one is set. */
export const EMULATED_SERVICES: (keyof AwsProviderEndpoints)[] = [
  'apigateway',
  'cloudwatch',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  'secretsmanager',
  'sns',
  'sqs',
  'sts',
];

/** The emulator endpoint to use, or undefined for AWS itself (unset, empty or `aws`). */
export function emulatorEndpoint(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed || trimmed.toLowerCase() === AWS_ENDPOINT_KEYWORD) return undefined;
  return trimmed;
}

/** Properties of a {@link PlatformStack}. */
export interface PlatformStackProps {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /**
   * An AWS API emulator (moto, LocalStack) every service endpoint points at; credential
   * checks are skipped. Credentials are never written into the provider block: Terraform takes
   * them from its environment (AWS_ACCESS_KEY_ID, set by the local AWS harness). The keyword
   * `aws` (any case) means AWS itself, as it does for the CLI.
   * @default - real AWS
   */
  readonly awsEndpoint?: string;
}

/** One environment of the platform app: its usage plans, consumers and rotation service. */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, environment: string, props: PlatformStackProps) {
    super(scope, environment);
    const { config } = props;
    const awsEndpoint = emulatorEndpoint(props.awsEndpoint);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { 'keyplane:environment': environment, ...config.tags } }],
      ...(awsEndpoint && {
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, awsEndpoint]))],
        skipCredentialsValidation: true,
        skipMetadataApiCheck: 'true',
        skipRequestingAccountId: false,
        skipRegionValidation: true,
      }),
    });
    if (config.backend && 's3' in config.backend) {
      const { bucket, key, region, dynamodbTable } = config.backend.s3;
      new S3Backend(this, { bucket, key, region, dynamodbTable, encrypt: true });
    } else {
      const statePath = config.backend?.local.path ?? `terraform.${environment}.tfstate`;
      new LocalBackend(this, { path: path.resolve(statePath) });
    }

    const demo = config.demoApi && new DemoApi(this, 'demoApi', config.demoApi);
    const toStage = (stage: ApiStageConfig): UsagePlanStage => {
      if (stage.api === 'demo') {
        if (!demo)
          throw new ConfigError(
            `${environment}: an apiStage names the demo API, but demoApi is not configured`
          );
        return { api: demo.restApi, stage: demo.stage, methodThrottles: stage.methodThrottles };
      }
      return { api: stage.restApiId!, stage: stage.stage!, methodThrottles: stage.methodThrottles };
    };

    const rotation = new RotationService(this, 'rotation', {
      deleteRetiredAfter: config.rotation?.deleteRetiredAfter
        ? Duration.parse(config.rotation.deleteRetiredAfter)
        : undefined,
      logRetentionDays: config.rotation?.logRetentionDays,
      reservedConcurrency: config.rotation?.reservedConcurrency,
      alarmEmails: config.rotation?.alarmEmails,
      alarmTopicArn: config.rotation?.alarmTopicArn,
      overdueMargin: config.rotation?.overdueMargin
        ? Duration.parse(config.rotation.overdueMargin)
        : undefined,
    });

    const planScope = new Construct(this, 'usagePlans');
    const plans = new Map<string, UsagePlan>();
    for (const [name, plan] of Object.entries(config.usagePlans)) {
      plans.set(
        name,
        new UsagePlan(planScope, name, {
          name: `${rotation.serviceName}-${name}`,
          description: plan.description,
          quota: plan.quota,
          throttle: plan.throttle,
          apiStages: plan.apiStages.map(toStage),
          tags: plan.tags,
          importId: plan.importId,
        })
      );
    }

    const consumerScope = new Construct(this, 'consumers');
    for (const [consumer, c] of Object.entries(config.consumers)) {
      const usagePlans = c.plans.map((planName) => {
        const plan = plans.get(planName);
        if (!plan) {
          throw new ConfigError(
            `${environment}/consumers/${consumer}: plans names ${JSON.stringify(planName)}, which is not one of usagePlans (${[...plans.keys()].join(', ')})`
          );
        }
        return plan;
      });
      new ManagedApiKey(consumerScope, consumer, {
        consumer,
        usagePlans,
        dedicatedPlan: c.dedicatedPlan && {
          ...c.dedicatedPlan,
          apiStages: c.dedicatedPlan.apiStages.map(toStage),
        },
        schedule: c.schedule ? KeyRotationSchedule.expression(c.schedule) : undefined,
        rotationWindow: c.rotationWindow ? Duration.parse(c.rotationWindow) : undefined,
        gracePeriod: c.gracePeriod ? Duration.parse(c.gracePeriod) : undefined,
        keyPrefix: c.keyPrefix,
        readers: c.readers,
        secretName: c.secretName,
        recoveryWindowInDays: c.recoveryWindowInDays,
        replicaRegions: c.replicaRegions,
        healthCheckUrl: c.healthCheckUrl,
        carryQuota: c.carryQuota,
        quotaSlackPercent: c.quotaSlackPercent,
        quietPeriod: c.quietPeriod ? Duration.parse(c.quietPeriod) : undefined,
        maxHold: c.maxHold ? Duration.parse(c.maxHold) : undefined,
        adoptKeyId: c.adoptKeyId,
        rotationService: rotation,
        tags: c.tags,
      });
    }
  }
}
