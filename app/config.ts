import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { Period } from '../constructs/usage-plan';
import { AWS_REGIONS } from '../contract/aws-limits';
import { DURATION_PATTERN, DURATION_RULE } from '../contract/durations';
import { CONSUMER_NAME_PATTERN, CONSUMER_NAME_RULE } from '../contract/policy-rules';

/**
 * The platform app's declarative configuration (keyplane.config.json), checked by zod so a
 * mistake is reported with its JSON path before any construct is made. A field that mirrors a
 * construct prop names it with `.meta({ prop })` instead of restating its description and
 * default: the reference (app/config-reference.ts) takes both from the prop's doc comment. Construct rules that
 * span fields (schedule intervals, key lengths, plan conflicts) are checked by the constructs.
 */

const name = z.string().regex(CONSUMER_NAME_PATTERN, `must ${CONSUMER_NAME_RULE}`);
const duration = z.string().regex(DURATION_PATTERN, `must ${DURATION_RULE}`);
const tags = z.record(z.string(), z.string());

const throttle = z.strictObject({
  rateLimit: z.number().positive().meta({ prop: 'ThrottleSettings.rateLimit' }),
  burstLimit: z.number().int().nonnegative().meta({ prop: 'ThrottleSettings.burstLimit' }),
});

const quota = z.strictObject({
  limit: z.number().int().positive().meta({ prop: 'QuotaSettings.limit' }),
  period: z.enum(Period).meta({ prop: 'QuotaSettings.period' }),
  offset: z.number().int().nonnegative().optional().meta({ prop: 'QuotaSettings.offset' }),
});

const apiStage = z
  .strictObject({
    api: z
      .string()
      .min(1)
      .optional()
      .describe('"demo" for the demo API of this environment (instead of restApiId and stage).'),
    restApiId: z
      .string()
      .min(1)
      .optional()
      .describe('Id of an existing REST API (instead of api).'),
    stage: z
      .string()
      .min(1)
      .optional()
      .describe('Stage name of the existing REST API. Required with restApiId.'),
    methodThrottles: z
      .record(z.string(), throttle.describe('The throttle of one method.'))
      .optional()
      .describe('Throttles of single methods, keyed "/resource/path/METHOD". Default: none.'),
  })
  .refine((s) => (s.api === 'demo') !== (s.restApiId !== undefined && s.stage !== undefined), {
    message: 'must be either {"api": "demo"} or {"restApiId": ..., "stage": ...}',
  });

const usagePlan = z.strictObject({
  description: z.string().optional().meta({ prop: 'UsagePlanProps.description' }),
  quota: quota.optional().meta({ prop: 'UsagePlanProps.quota' }),
  throttle: throttle.optional().meta({ prop: 'UsagePlanProps.throttle' }),
  apiStages: z
    .array(apiStage.describe('One API stage the plan opens.'))
    .default([])
    .describe('API stages the plan opens to its keys. Default: [].'),
  tags: tags.optional().describe("Tags of the plan, besides the environment's. Default: none."),
  importId: z.string().optional().meta({ prop: 'UsagePlanProps.importId' }),
});

const consumer = z.strictObject({
  plans: z
    .array(z.string())
    .default([])
    .describe(
      'Names of usagePlans of this environment the key belongs to (at most 10). Default: [].'
    ),
  dedicatedPlan: z
    .strictObject({
      quota: quota.optional().meta({ prop: 'DedicatedPlanOptions.quota' }),
      throttle: throttle.optional().meta({ prop: 'DedicatedPlanOptions.throttle' }),
      apiStages: z
        .array(apiStage.describe('One API stage the plan opens.'))
        .min(1)
        .describe('API stages the plan opens (at least one).'),
    })
    .optional()
    .meta({ prop: 'ManagedApiKeyProps.dedicatedPlan' }),
  schedule: z.string().optional().meta({ prop: 'ManagedApiKeyProps.schedule' }),
  rotationWindow: duration.optional().meta({ prop: 'ManagedApiKeyProps.rotationWindow' }),
  gracePeriod: duration.optional().meta({ prop: 'ManagedApiKeyProps.gracePeriod' }),
  keyPrefix: z.string().optional().meta({ prop: 'ManagedApiKeyProps.keyPrefix' }),
  readers: z.array(z.string()).optional().meta({ prop: 'ManagedApiKeyProps.readers' }),
  secretName: z.string().optional().meta({ prop: 'ManagedApiKeyProps.secretName' }),
  recoveryWindowInDays: z
    .number()
    .int()
    .optional()
    .meta({ prop: 'ManagedApiKeyProps.recoveryWindowInDays' }),
  replicaRegions: z
    .array(z.string())
    .optional()
    .meta({ prop: 'ManagedApiKeyProps.replicaRegions' }),
  healthCheckUrl: z.url().optional().meta({ prop: 'ManagedApiKeyProps.healthCheckUrl' }),
  carryQuota: z.boolean().optional().meta({ prop: 'ManagedApiKeyProps.carryQuota' }),
  quotaSlackPercent: z
    .number()
    .int()
    .optional()
    .meta({ prop: 'ManagedApiKeyProps.quotaSlackPercent' }),
  quietPeriod: duration.optional().meta({ prop: 'ManagedApiKeyProps.quietPeriod' }),
  maxHold: duration.optional().meta({ prop: 'ManagedApiKeyProps.maxHold' }),
  adoptKeyId: z.string().optional().meta({ prop: 'ManagedApiKeyProps.adoptKeyId' }),
  tags: tags.optional().describe("Tags of the consumer's secret. Default: none."),
});

const s3Backend = z.strictObject({
  bucket: z.string().min(1).describe('S3 bucket of the state.'),
  key: z.string().min(1).describe('Object key of the state file.'),
  region: z.string().min(1).describe('Region of the bucket.'),
  dynamodbTable: z
    .string()
    .min(1)
    .optional()
    .describe('DynamoDB table that locks the state. Default: no locking.'),
});

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const rotation = z.strictObject({
  deleteRetiredAfter: duration.optional().meta({ prop: 'RotationServiceProps.deleteRetiredAfter' }),
  logRetentionDays: z
    .number()
    .int()
    .optional()
    .meta({ prop: 'RotationServiceProps.logRetentionDays' }),
  reservedConcurrency: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ prop: 'RotationServiceProps.reservedConcurrency' }),
  alarmEmails: z
    .array(z.email('must be an e-mail address such as "oncall@example.com"'))
    .optional()
    .meta({ prop: 'RotationServiceProps.alarmEmails' }),
  alarmTopicArn: z
    .string()
    .regex(
      SNS_TOPIC_ARN,
      'must be an SNS topic ARN such as "arn:aws:sns:us-east-1:111122223333:oncall"'
    )
    .optional()
    .meta({ prop: 'RotationServiceProps.alarmTopicArn' }),
  overdueMargin: duration.optional().meta({ prop: 'RotationServiceProps.overdueMargin' }),
});

const environment = z.strictObject({
  region: z
    .string()
    .refine((region) => AWS_REGIONS.includes(region), 'must be an AWS region such as "us-east-1"')
    .describe('AWS region of the stack.'),
  backend: z
    .union(
      [
        z.strictObject({ s3: s3Backend.describe('Remote state in S3.') }),
        z.strictObject({
          local: z
            .strictObject({ path: z.string().min(1).describe('State file path.') })
            .describe('State in a local file.'),
        }),
      ],
      {
        error:
          'must be {"s3": {"bucket", "key", "region", "dynamodbTable"?}} or {"local": {"path"}}, each a non-empty string',
      }
    )
    .optional()
    .describe(
      'Where Terraform keeps state. Default: terraform.<environment>.tfstate in the working folder.'
    ),
  demoApi: z
    .strictObject({
      name: z.string().min(1).describe('Name of the REST API.'),
      stageName: z.string().min(1).describe('Name of its stage.'),
    })
    .optional()
    .describe(
      'A small MOCK REST API (GET/POST /pets, API key required) to try keys against. Default: none.'
    ),
  rotation: rotation
    .optional()
    .describe(
      "Settings of the environment's rotation service and its alarms. Default: all defaults."
    ),
  tags: tags.optional().describe('Default tags of every resource. Default: none.'),
  usagePlans: z
    .record(
      name,
      usagePlan.describe('One usage plan; its name is <service>-<plan> in API Gateway.')
    )
    .describe('Usage plans by name. May be {}.'),
  consumers: z
    .record(name, consumer.describe("One consumer: its secret, key and the key's plans."))
    .describe('API consumers by name. May be {}.'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON schema reference for editors. Ignored.'),
  environments: z
    .record(
      name,
      environment.describe(
        'One stack; its name names the rotation service (keyplane-<environment>) and the secrets (keyplane/<environment>/<consumer>).'
      )
    )
    .refine((envs) => Object.keys(envs).length > 0, 'must declare at least one environment')
    .describe('The environments, by name; at least one.'),
});

export type KeyplaneConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environment>;
export type ApiStageConfig = z.infer<typeof apiStage>;

/** Thrown for a configuration file that cannot be read or breaks the schema. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The config file: KEYPLANE_CONFIG, or keyplane.config.json in `root`. */
export function configPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(root, env.KEYPLANE_CONFIG ?? 'keyplane.config.json');
}

/** Reads and validates a config file; every schema violation is listed with its JSON path. */
export function loadConfig(file: string): KeyplaneConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the keyplane config: ${(error as Error).message}`);
  }
  return parseConfig(raw, file);
}

/** Validates parsed JSON against the schema; `source` names it in errors. */
export function parseConfig(raw: unknown, source: string): KeyplaneConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const at = issue.path.length
      ? issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .slice(1)
      : '(root)';
    const got = issue.path.length ? valueAt(raw, issue.path) : undefined;
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message ?? issue.message;
      return `  ${at.replace(/\.\[/g, '[')}: the name ${reason}`;
    }
    return `  ${at.replace(/\.\[/g, '[')}: ${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`;
  });
  throw new ConfigError(`${source}: the keyplane config is invalid:\n${lines.join('\n')}`);
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return typeof node === 'object' ? undefined : node;
}
