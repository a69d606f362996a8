import * as path from 'path';
import { AwsProvider, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AWS_ENDPOINT_KEYWORD } from '../cli/aws-target';
import { ManagedApiKey } from '../constructs/managed-api-key';
import { RotationService } from '../constructs/rotation-service';
import { UsagePlan, UsagePlanStage } from '../constructs/usage-plan';
import { ApiStageConfig, ConfigError, EnvironmentConfig } from './config';
import { ConfigIssues } from './config-issues';
import { DemoApi } from './demo-api';
import { shardStateKey, type Shard } from './shards';

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
  /**
   * The shard this stack is: its environment, index and consumers (see app/shards.ts).
   * @default - the whole environment in one stack named after it
   */
  readonly shard?: Shard;
}

/**
 * One environment of the platform app, or one shard of it: its usage plans, consumers and
 * rotation service.
 */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { config } = props;
    const shard = props.shard ?? { environment: id, index: 0, count: 1 };
    const environment = shard.environment;
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
      const shardKey = shardStateKey(key, shard);
      new S3Backend(this, { bucket, key: shardKey, region, dynamodbTable, encrypt: true });
    } else {
      const statePath = config.backend?.local.path ?? `terraform.${environment}.tfstate`;
      new LocalBackend(this, { path: path.resolve(shardStateKey(statePath, shard)) });
    }

    const issues = new ConfigIssues(environment);
    const demo = config.demoApi && new DemoApi(this, 'demoApi', config.demoApi);
    const toStage = (stage: ApiStageConfig): UsagePlanStage => {
      const { api, restApiId, stage: stageName, ...props } = stage;
      if (api === 'demo') {
        if (!demo)
          throw new ConfigError(
            `${environment}: an apiStage names the demo API, but demoApi is not configured`
          );
        return { ...props, api: demo.restApi, stage: demo.stage };
      }
      return { ...props, api: restApiId!, stage: stageName! };
    };

    // Every field of the config that sets a prop is passed through as it is (app/config-fields.ts).
    const rotation = issues.build('rotation', `${this.node.path}/rotation`, () => {
      return new RotationService(this, 'rotation', config.rotation);
    });
    issues.throwIfAny();

    const planScope = new Construct(this, 'usagePlans');
    const plans = new Map<string, UsagePlan>();
    for (const [name, { apiStages, ...plan }] of Object.entries(config.usagePlans)) {
      const built = issues.build(`usagePlans.${name}`, `${planScope.node.path}/${name}`, () => {
        return new UsagePlan(planScope, name, {
          ...plan,
          name: `${rotation!.serviceName}-${name}`,
          apiStages: apiStages.map(toStage),
        });
      });
      if (built) plans.set(name, built);
    }

    const consumerScope = new Construct(this, 'consumers');
    const shardConsumers = props.shard?.consumers ?? Object.keys(config.consumers);
    for (const consumer of shardConsumers) {
      const { plans: planNames, dedicatedPlan, ...consumerProps } = config.consumers[consumer];
      const unknown = planNames.filter((planName) => !(planName in config.usagePlans));
      if (unknown.length > 0) {
        issues.add(
          `consumers.${consumer}.plans`,
          `names ${unknown.map((n) => JSON.stringify(n)).join(', ')}, which is not one of usagePlans (${Object.keys(config.usagePlans).join(', ')})`
        );
        continue;
      }
      // A plan refused above is reported there; its consumers are not built.
      if (!planNames.every((planName) => plans.has(planName))) continue;
      const build = () =>
        new ManagedApiKey(consumerScope, consumer, {
          ...consumerProps,
          consumer,
          usagePlans: planNames.map((planName) => plans.get(planName)!),
          dedicatedPlan: dedicatedPlan && {
            ...dedicatedPlan,
            apiStages: dedicatedPlan.apiStages.map(toStage),
          },
          rotationService: rotation,
        });
      issues.build(`consumers.${consumer}`, `${consumerScope.node.path}/${consumer}`, build, {
        usagePlans: 'plans',
      });
    }
    issues.throwIfAny();
  }
}
