import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { Period } from '../constructs/usage-plan';
import { AWS_REGIONS } from '../contract/aws-limits';
import { DURATION_PATTERN, DURATION_RULE } from '../contract/durations';
import { formatSeconds } from '../contract/durations';
import { MAX_KEY_PREFIX_LENGTH } from '../contract/key-format';
import {
  CONSUMER_NAME_PATTERN,
  CONSUMER_NAME_RULE,
  DEFAULT_DELETE_AFTER_SECONDS,
  DEFAULT_GRACE_PERIOD_SECONDS,
  DEFAULT_KEY_PREFIX_LENGTH,
  DEFAULT_OVERDUE_MARGIN_SECONDS,
  DEFAULT_ROTATION_SCHEDULE,
} from '../contract/policy-rules';
import { SCHEDULE_RULE } from '../contract/rotation-schedule';

/**
 * The platform app's declarative configuration (keyplane.config.json), checked by zod so a
 * mistake is reported with its JSON path before any construct is made. Construct rules that
 * span fields (schedule intervals, key lengths, plan conflicts) are checked by the constructs.
 */

const name = z.string().regex(CONSUMER_NAME_PATTERN, `must ${CONSUMER_NAME_RULE}`);
const duration = z.string().regex(DURATION_PATTERN, `must ${DURATION_RULE}`);
const tags = z.record(z.string(), z.string());

const throttle = z.strictObject({
  rateLimit: z.number().positive().describe('Steady-state requests per second.'),
  burstLimit: z.number().int().nonnegative().describe('Requests allowed in a burst.'),
});

const quota = z.strictObject({
  limit: z.number().int().positive().describe('Requests allowed per period.'),
  period: z.enum(Period).describe('The quota period: DAY, WEEK or MONTH.'),
  offset: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Days the period start is moved by (DAY 0, WEEK 0-6, MONTH 0-27). Default: 0.'),
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
  description: z.string().optional().describe('Description of the plan. Default: none.'),
  quota: quota.optional().describe('Requests allowed per day, week or month. Default: no quota.'),
  throttle: throttle.optional().describe('Request rate limits of each key. Default: none.'),
  apiStages: z
    .array(apiStage.describe('One API stage the plan opens.'))
    .default([])
    .describe('API stages the plan opens to its keys. Default: [].'),
  tags: tags.optional().describe("Tags of the plan, besides the environment's. Default: none."),
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
      quota: quota.optional().describe('Requests allowed per period. Default: no quota.'),
      throttle: throttle.optional().describe('Request rate limits. Default: none.'),
      apiStages: z
        .array(apiStage.describe('One API stage the plan opens.'))
        .min(1)
        .describe('API stages the plan opens (at least one).'),
    })
    .optional()
    .describe('A usage plan for this consumer alone. Default: none.'),
  schedule: z
    .string()
    .optional()
    .describe(
      `When the key rotates; it must ${SCHEDULE_RULE}, at least 4h apart. Default: "${DEFAULT_ROTATION_SCHEDULE}".`
    ),
  rotationWindow: duration
    .optional()
    .describe(
      'Hours Secrets Manager may take to start a scheduled rotation, e.g. "3h". Default: Secrets Manager\'s.'
    ),
  gracePeriod: duration
    .optional()
    .describe(
      `How long the outgoing key keeps working after a rotation; shorter than the schedule. Default: "${formatSeconds(DEFAULT_GRACE_PERIOD_SECONDS)}".`
    ),
  keyPrefix: z
    .string()
    .optional()
    .describe(
      `Letters and digits that start each key value (at most ${MAX_KEY_PREFIX_LENGTH}). Default: the consumer name's letters and digits, at most ${DEFAULT_KEY_PREFIX_LENGTH}.`
    ),
  readers: z
    .array(z.string())
    .optional()
    .describe(
      'IAM principal ARNs allowed to read the secret (resource policy and KMS). Default: none.'
    ),
  secretName: z
    .string()
    .optional()
    .describe(
      'Secret name under the environment prefix keyplane/<environment>/. Default: the consumer name.'
    ),
  recoveryWindowInDays: z
    .number()
    .int()
    .optional()
    .describe('Days a deleted secret can be restored: 0 or 7-30. Default: 30.'),
  replicaRegions: z
    .array(z.string())
    .optional()
    .describe('Regions the secret is replicated to. Default: none.'),
  healthCheckUrl: z
    .url()
    .optional()
    .describe(
      'URL called with the new key before it goes live; any answer but 403 passes. Default: no check.'
    ),
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
  deleteRetiredAfter: duration
    .optional()
    .describe(
      `How long a retired (disabled) key is kept before the sweep deletes it. Default: "${formatSeconds(DEFAULT_DELETE_AFTER_SECONDS)}".`
    ),
  logRetentionDays: z
    .number()
    .int()
    .optional()
    .describe(
      "Days the rotation Lambda's logs are kept (a CloudWatch retention period). Default: 365."
    ),
  reservedConcurrency: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Concurrent executions reserved for (and capping) the rotation Lambda. Default: 10.'),
  alarmEmails: z
    .array(z.email('must be an e-mail address such as "oncall@example.com"'))
    .optional()
    .describe(
      'E-mail addresses subscribed to the alarm topic; each must confirm the mail SNS sends. Default: none.'
    ),
  alarmTopicArn: z
    .string()
    .regex(
      SNS_TOPIC_ARN,
      'must be an SNS topic ARN such as "arn:aws:sns:us-east-1:111122223333:oncall"'
    )
    .optional()
    .describe(
      "An existing SNS topic for the alarms instead of the one keyplane creates. Default: a topic <service>-alarms encrypted with the stack's KMS key."
    ),
  overdueMargin: duration
    .optional()
    .describe(
      `How long a key may outlive its rotation schedule before the overdue-consumers alarm fires. Default: "${formatSeconds(DEFAULT_OVERDUE_MARGIN_SECONDS)}".`
    ),
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
