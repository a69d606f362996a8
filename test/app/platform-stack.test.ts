import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { loadConfig, parseConfig } from '../../app/config';
import { PlatformStack } from '../../app/platform-stack';
import { resourcesOf, SynthJson } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const example = loadConfig(path.join(ROOT, 'keyplane.config.json'));
const [[exampleName, exampleEnv]] = Object.entries(example.environments);
/** The example environment as written in the file (parseConfig takes JSON, not parsed config). */
const exampleJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'keyplane.config.json'), 'utf8'))
  .environments[exampleName];

function synth(config = exampleEnv, awsEndpoint?: string, name = exampleName) {
  const stack = new PlatformStack(Testing.app(), name, { config, awsEndpoint });
  const text = Testing.synth(stack, true);
  return {
    text,
    json: JSON.parse(text) as SynthJson & {
      provider: { aws: Record<string, unknown>[] };
      terraform: Record<string, unknown>;
    },
  };
}

describe('PlatformStack (the example app)', () => {
  const { text, json } = synth();

  test('declares a demo REST API whose methods require an API key, with a MOCK integration', () => {
    expect(resourcesOf(json, 'aws_api_gateway_rest_api')).toHaveLength(1);
    const methods = resourcesOf(json, 'aws_api_gateway_method');
    expect(methods.map((m) => [m.http_method, m.api_key_required])).toEqual([
      ['GET', true],
      ['POST', true],
    ]);
    expect(resourcesOf(json, 'aws_api_gateway_integration').every((i) => i.type === 'MOCK')).toBe(
      true
    );
    expect(resourcesOf(json, 'aws_api_gateway_stage')[0].stage_name).toBe('v1');
  });

  test('declares the free and gold plans with quotas, throttles and a per-method throttle', () => {
    const plans = Object.fromEntries(
      resourcesOf(json, 'aws_api_gateway_usage_plan').map((p) => [p.name, p])
    );
    expect(plans['keyplane-local-free']).toMatchObject({
      quota_settings: { limit: 1000, period: 'DAY', offset: 0 },
      throttle_settings: { rate_limit: 5, burst_limit: 10 },
    });
    expect(plans['keyplane-local-gold']).toMatchObject({
      quota_settings: { limit: 1000000, period: 'MONTH' },
      api_stages: [{ throttle: [{ path: '/pets/POST', rate_limit: 10, burst_limit: 20 }] }],
    });
  });

  test('declares three consumers, each with a secret, a placeholder and a rotation', () => {
    const secrets = resourcesOf(json, 'aws_secretsmanager_secret');
    expect(secrets.map((s) => s.name).sort()).toEqual([
      'keyplane/local/acme',
      'keyplane/local/globex',
      'keyplane/local/initech',
    ]);
    expect(resourcesOf(json, 'aws_secretsmanager_secret_rotation')).toHaveLength(3);
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toHaveLength(3);
  });

  test('holds no API key resource and no key value', () => {
    expect(text).not.toMatch(/aws_api_gateway_api_key|aws_api_gateway_usage_plan_key/);
    for (const version of resourcesOf(json, 'aws_secretsmanager_secret_version')) {
      expect(Object.keys(JSON.parse(version.secret_string as string)).sort()).toEqual([
        'bootstrap',
        'consumer',
        'format',
      ]);
    }
  });

  test('uses the real AWS endpoints and a local state file by default', () => {
    expect(json.provider.aws[0]).toEqual({
      region: 'us-east-1',
      default_tags: [{ tags: { 'keyplane:environment': 'local', team: 'platform' } }],
    });
    expect(json.terraform.backend).toEqual({
      local: { path: expect.stringMatching(/terraform\.local\.tfstate$/) },
    });
  });

  test('points every service at an emulator when one is given, skipping credential checks', () => {
    const provider = synth(exampleEnv, 'http://127.0.0.1:5123').json.provider.aws[0];
    expect(provider).toMatchObject({
      skip_credentials_validation: true,
      skip_metadata_api_check: 'true',
    });
    const endpoints = (provider.endpoints as Record<string, string>[])[0];
    expect(Object.keys(endpoints).sort()).toEqual([
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
    ]);
    expect(new Set(Object.values(endpoints))).toEqual(new Set(['http://127.0.0.1:5123']));
  });

  test('never writes credentials into the synthesized provider, whatever the environment holds', () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIAPLANTEDEXAMPLE1';
    process.env.AWS_SECRET_ACCESS_KEY = 'planted-secret-access-key';
    try {
      const text = JSON.stringify(synth(exampleEnv, 'http://127.0.0.1:5123').json);
      expect(text).not.toContain('AKIAPLANTEDEXAMPLE1');
      expect(text).not.toContain('planted-secret-access-key');
      expect(text).not.toMatch(/access_key|secret_key/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  test.each(['aws', 'AWS', ' aws '])(
    'treats the endpoint %j as AWS itself: no endpoints',
    (value) => {
      const provider = synth(exampleEnv, value).json.provider.aws[0];
      expect(provider).toEqual({
        region: 'us-east-1',
        default_tags: [{ tags: { 'keyplane:environment': 'local', team: 'platform' } }],
      });
    }
  );

  test('subscribes the alarm e-mails and sets the overdue margin from the rotation settings', () => {
    const config = parseConfig(
      {
        environments: {
          prod: {
            ...exampleJson,
            rotation: { alarmEmails: ['oncall@example.com'], overdueMargin: '36h' },
          },
        },
      },
      'test'
    ).environments.prod;
    const { json } = synth(config, undefined, 'prod');
    const subscriptions = Object.values(json.resource.aws_sns_topic_subscription ?? {});
    expect(subscriptions).toEqual([
      expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com' }),
    ]);
    const [fn] = Object.values(json.resource.aws_lambda_function) as {
      environment: { variables: Record<string, string> };
    }[];
    expect(fn.environment.variables.KEYPLANE_OVERDUE_MARGIN_SECONDS).toBe(String(36 * 3600));
  });

  test('uses an S3 backend with locking when the config names one', () => {
    const config = parseConfig(
      {
        environments: {
          prod: {
            ...exampleJson,
            backend: {
              s3: {
                bucket: 'tf-state',
                key: 'keyplane/prod.tfstate',
                region: 'eu-west-1',
                dynamodbTable: 'tf-locks',
              },
            },
          },
        },
      },
      'test'
    ).environments.prod;
    expect(synth(config, undefined, 'prod').json.terraform.backend).toEqual({
      s3: {
        bucket: 'tf-state',
        key: 'keyplane/prod.tfstate',
        region: 'eu-west-1',
        dynamodb_table: 'tf-locks',
        encrypt: true,
      },
    });
  });

  test('keeps local state where the config says', () => {
    const config = parseConfig(
      {
        environments: {
          dev: { ...exampleJson, backend: { local: { path: '/var/state/dev.tfstate' } } },
        },
      },
      'test'
    ).environments.dev;
    expect(synth(config, undefined, 'dev').json.terraform.backend).toEqual({
      local: { path: '/var/state/dev.tfstate' },
    });
  });

  test('builds one stack per environment', () => {
    const app = Testing.app();
    const stacks = ['dev', 'prod'].map(
      (name) => new PlatformStack(app, name, { config: exampleEnv })
    );
    const secretNames = stacks.map((stack) =>
      resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_secretsmanager_secret').map((s) => s.name)
    );
    expect(secretNames[0]).toContain('keyplane/dev/acme');
    expect(secretNames[1]).toContain('keyplane/prod/acme');
  });

  test('fails when a consumer names an unknown plan', () => {
    const config = { ...exampleEnv, consumers: { acme: { plans: ['platinum'] } } };
    expect(() => synth(config)).toThrow(
      /environments\.local\.consumers\.acme\.plans: names "platinum", which is not one of usagePlans \(free, gold\)/
    );
  });

  test('fails when a stage names the demo API but none is configured', () => {
    const config = { ...exampleEnv, demoApi: undefined };
    expect(() => synth(config)).toThrow(
      /local: an apiStage names the demo API, but demoApi is not configured/
    );
  });

  test('construct errors name the JSON path of the field, every one at once', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'keyplane.config.json'), 'utf8'));
    const env = raw.environments.local;
    env.rotation = { reservedConcurrency: 1.5 };
    const broken = parseConfig(raw, 'keyplane.config.json').environments.local;
    expect(() => synth(broken)).toThrow(
      /^the keyplane config is invalid:\n {2}environments\.local\.rotation\.reservedConcurrency: must be a whole number of containers from 1 to 100000 \(the rotation function refuses any other\), got 1\.5$/
    );
    env.rotation = {};
    env.usagePlans.free.quota.limit = 0;
    env.usagePlans.gold.apiStages[0].methodThrottles['/pets/POST'].burstLimit = -1;
    env.consumers.acme.gracePeriod = '40d';
    env.consumers.globex.recoveryWindowInDays = 3;
    env.consumers.initech.plans = ['gold'];
    env.consumers.hooli = {
      dedicatedPlan: {
        apiStages: [{ api: 'demo' }],
        quota: { limit: 1, period: 'WEEK', offset: 9 },
      },
    };
    let message = '';
    try {
      synth(parseConfig(raw, 'keyplane.config.json').environments.local);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      '  environments.local.usagePlans.free.quota.limit: must be a positive integer, got 0',
      '  environments.local.usagePlans.gold.apiStages[0].methodThrottles["/pets/POST"].burstLimit: must be a non-negative integer, got -1',
      '  environments.local.consumers.hooli.dedicatedPlan.quota.offset: must be an integer from 0 to 6 for period WEEK, got 9',
    ]);
  });
});
