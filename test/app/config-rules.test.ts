import { Testing } from 'cdktf';
import { parseConfig } from '../../app/config';
import { PlatformStack } from '../../app/platform-stack';

/**
 * Bad values in keyplane.config.json that only the constructs' rules refuse (the config states
 * no rule of its own): each is reported at its JSON path, with the value and the rule, when
 * the stack is built (before synth writes anything).
 */

type Env = Record<string, unknown> & {
  usagePlans: Record<string, Record<string, unknown>>;
  consumers: Record<string, Record<string, unknown>>;
};

function environment(): Env {
  return {
    region: 'eu-west-1',
    demoApi: { name: 'demo', stageName: 'v1' },
    usagePlans: {
      gold: {
        quota: { limit: 10, period: 'DAY' },
        throttle: { rateLimit: 5, burstLimit: 10 },
        apiStages: [{ api: 'demo' }],
      },
    },
    consumers: { acme: { plans: ['gold'] } },
  };
}

/** Builds and synthesizes (with validations) the stack of one environment `dev`. */
function build(change: (env: Env) => void): void {
  const env = environment();
  change(env);
  const config = parseConfig({ environments: { dev: env } }, 'keyplane.config.json');
  Testing.synth(new PlatformStack(Testing.app(), 'dev', { config: config.environments.dev }), true);
}

const gold = (env: Env) => env.usagePlans.gold;
const acme = (env: Env) => env.consumers.acme;

describe('keyplane config values the constructs refuse', () => {
  test('the valid environment builds', () => {
    expect(() => build(() => undefined)).not.toThrow();
  });

  test.each(['cron(0 * ? * * *)', 'cron(0 3 1 * ? *)', 'rate(5 minutes)'])(
    'accepts the sweep schedule %s',
    (sweepSchedule) => {
      expect(() => build((env) => (env.rotation = { sweepSchedule }))).not.toThrow();
    }
  );

  test.each<[string, (env: Env) => void, RegExp]>([
    [
      'a quota limit is fractional',
      (env) => (gold(env).quota = { limit: 1.5, period: 'DAY' }),
      /usagePlans\.gold\.quota\.limit: must be a positive integer, got 1\.5/,
    ],
    [
      'a quota limit does not fit in 32 bits',
      (env) => (gold(env).quota = { limit: 3e9, period: 'DAY' }),
      /usagePlans\.gold\.quota\.limit: must be at most 2147483647 \(AWS takes a 32-bit integer\), got 3000000000/,
    ],
    [
      'a weekly quota is offset by a week',
      (env) => (gold(env).quota = { limit: 1, period: 'WEEK', offset: 7 }),
      /usagePlans\.gold\.quota\.offset: must be an integer from 0 to 6 for period WEEK, got 7/,
    ],
    [
      'a daily quota is offset',
      (env) => (gold(env).quota = { limit: 1, period: 'DAY', offset: 1 }),
      /usagePlans\.gold\.quota\.offset: must be 0 for period DAY, got 1/,
    ],
    [
      'a throttle rate is zero',
      (env) => (gold(env).throttle = { rateLimit: 0, burstLimit: 1 }),
      /usagePlans\.gold\.throttle\.rateLimit: must be a number greater than 0, got 0/,
    ],
    [
      'a throttle burst is fractional',
      (env) => (gold(env).throttle = { rateLimit: 1, burstLimit: 2.5 }),
      /usagePlans\.gold\.throttle\.burstLimit: must be a non-negative integer, got 2\.5/,
    ],
    [
      'a method throttle names a lower-case method',
      (env) =>
        (gold(env).apiStages = [
          { api: 'demo', methodThrottles: { '/pets/get': { rateLimit: 1, burstLimit: 1 } } },
        ]),
      /usagePlans\.gold\.apiStages\[0\]\.methodThrottles key: must have the shape "\/resource\/path\/METHOD" .*, got "\/pets\/get"/,
    ],
    [
      'a method throttle rate is negative',
      (env) =>
        (gold(env).apiStages = [
          { api: 'demo', methodThrottles: { '/pets/GET': { rateLimit: -1, burstLimit: 1 } } },
        ]),
      /usagePlans\.gold\.apiStages\[0\]\.methodThrottles\["\/pets\/GET"\]\.rateLimit: must be a number greater than 0, got -1/,
    ],
    [
      'a plan lists the same stage twice',
      (env) => (gold(env).apiStages = [{ api: 'demo' }, { api: 'demo' }]),
      /usagePlans\.gold: apiStages\[1\] covers .* a second time; list each stage once/,
    ],
    [
      'a plan tag uses the AWS prefix',
      (env) => (gold(env).tags = { 'aws:team': 'x' }),
      /usagePlans\.gold\.tags key: must not start with "aws:" \(AWS reserves it\), got "aws:team"/,
    ],
    [
      'a schedule rotates every 3 hours',
      (env) => (acme(env).schedule = 'rate(3 hours)'),
      /consumers\.acme\.schedule: must .*, got "rate\(3 hours\)"/,
    ],
    [
      'a cron schedule sets both day fields',
      (env) => (acme(env).schedule = 'cron(0 8 * * MON *)'),
      /consumers\.acme\.schedule: must .*\?.*, got "cron\(0 8 \* \* MON \*\)"/,
    ],
    [
      'a cron schedule names a date that never comes',
      (env) => (acme(env).schedule = 'cron(0 8 30 2 ? *)'),
      /consumers\.acme\.schedule: must .*, got "cron\(0 8 30 2 \? \*\)"/,
    ],
    [
      'a grace period is as long as the schedule',
      (env) => Object.assign(acme(env), { schedule: 'rate(7 days)', gracePeriod: '7d' }),
      /consumers\.acme\.gracePeriod: must be shorter than the time between rotations \(7d for rate\(7 days\)\), got "7d"/,
    ],
    [
      'a grace period is beyond what the function takes',
      (env) => Object.assign(acme(env), { schedule: 'rate(999 days)', gracePeriod: '400d' }),
      /consumers\.acme\.gracePeriod: must be at most 365d \(the rotation function's limit\), got "400d"/,
    ],
    [
      'a quota slack is not a whole percentage',
      (env) => (acme(env).quotaSlackPercent = 12.5),
      /consumers\.acme\.quotaSlackPercent: must be a whole number from 0 to 100, got 12\.5/,
    ],
    [
      'a quiet period is beyond what the function takes',
      (env) => (acme(env).quietPeriod = '31d'),
      /consumers\.acme\.quietPeriod: must be a whole number of seconds from 0 to 2592000 \(30d\), got "31d"/,
    ],
    [
      'a hold is beyond what the function takes',
      (env) => (acme(env).maxHold = '744h'),
      /consumers\.acme\.maxHold: must be a whole number of seconds from 0 to 2592000 \(30d\), got "744h"/,
    ],
    [
      'a rotation window is in minutes',
      (env) => (acme(env).rotationWindow = '90m'),
      /consumers\.acme\.rotationWindow: must .*whole hours.*, got "90m"/,
    ],
    [
      'a rotation window is over a day',
      (env) => (acme(env).rotationWindow = '25h'),
      /consumers\.acme\.rotationWindow: must .*, got "25h"/,
    ],
    [
      'a key prefix has a hyphen',
      (env) => (acme(env).keyPrefix = 'acme-'),
      /consumers\.acme\.keyPrefix: must .*letters and digits.*, got "acme-"/,
    ],
    [
      'a recovery window is 5 days',
      (env) => (acme(env).recoveryWindowInDays = 5),
      /consumers\.acme\.recoveryWindowInDays: must be 0 or an integer from 7 to 30, got 5/,
    ],
    [
      'a recovery window is fractional',
      (env) => (acme(env).recoveryWindowInDays = 7.5),
      /consumers\.acme\.recoveryWindowInDays: must be 0 or an integer from 7 to 30, got 7\.5/,
    ],
    [
      'a replica region is the stack region',
      (env) => (acme(env).replicaRegions = ['eu-west-1']),
      /consumers\.acme\.replicaRegions\[0\]: must not be the stack's own region, where the secret already is, got "eu-west-1"/,
    ],
    [
      'a replica region does not exist',
      (env) => (acme(env).replicaRegions = ['eu-west-4']),
      /consumers\.acme\.replicaRegions\[0\]: must be an AWS region such as "eu-west-1", got "eu-west-4"/,
    ],
    [
      'a reader has an 11-digit account',
      (env) => (acme(env).readers = ['arn:aws:iam::12345678901:role/client']),
      /consumers\.acme\.readers\[0\]: must be an IAM principal ARN.*, got "arn:aws:iam::12345678901:role\/client"/,
    ],
    [
      'a reader is everyone',
      (env) => (acme(env).readers = ['*']),
      /consumers\.acme\.readers\[0\]: must be an IAM principal ARN.*, got "\*"/,
    ],
    [
      'a health check is plain http',
      (env) => (acme(env).healthCheckUrl = 'http://api.example.com/health'),
      /consumers\.acme\.healthCheckUrl: must .*https.*, got "http:\/\/api\.example\.com\/health"/,
    ],
    [
      'a health check is not a URL',
      (env) => (acme(env).healthCheckUrl = 'not a url'),
      /consumers\.acme\.healthCheckUrl: must .*, got "not a url"/,
    ],
    [
      'a secret name has a space',
      (env) => (acme(env).secretName = 'acme key'),
      /consumers\.acme\.secretName: must hold only letters, digits and \/_\+=\.@-, got "acme key"/,
    ],
    [
      'a secret tag takes a keyplane tag',
      (env) => (acme(env).tags = { 'keyplane:consumer': 'other' }),
      /consumers\.acme\.tags key: must not start with "keyplane:" .*, got "keyplane:consumer"/,
    ],
    [
      'a secret tag value is too long',
      (env) => (acme(env).tags = { team: 'x'.repeat(257) }),
      /consumers\.acme\.tags\["team"\]: must be at most 256 .*, got "x{257}"/,
    ],
    [
      'a consumer names the same plan twice',
      (env) => (acme(env).plans = ['gold', 'gold']),
      /consumers\.acme: usagePlans names dev\/usagePlans\/gold twice/,
    ],
    [
      'a consumer has no plan',
      (env) => (acme(env).plans = []),
      /consumers\.acme\.plans: must name at least one usage plan \(or set dedicatedPlan\), got \[\]/,
    ],
    [
      'a dedicated plan opens no stage',
      (env) => (env.consumers.hooli = { dedicatedPlan: { apiStages: [] } }),
      /consumers\.hooli\.dedicatedPlan\.apiStages: must hold at least one API stage .*, got \[\]/,
    ],
    [
      'two consumers share a secret name',
      (env) => (env.consumers.hooli = { plans: ['gold'], secretName: 'acme' }),
      /consumers\.hooli: secretName makes the secret name "keyplane\/dev\/acme", already used by dev\/consumers\/acme/,
    ],
    [
      'log retention is not a CloudWatch period',
      (env) => (env.rotation = { logRetentionDays: 10 }),
      /rotation\.logRetentionDays: must be one of CloudWatch's retention periods .*, got 10/,
    ],
    [
      'reserved concurrency is zero',
      (env) => (env.rotation = { reservedConcurrency: 0 }),
      /rotation\.reservedConcurrency: must be a whole number of containers from 1 to 100000 \(the rotation function refuses any other\), got 0/,
    ],
    [
      'retired keys are deleted after half an hour',
      (env) => (env.rotation = { deleteRetiredAfter: '30m' }),
      /rotation\.deleteRetiredAfter: must be from 1h to 3650d .*, got "30m"/,
    ],
    [
      'an alarm e-mail is a name',
      (env) => (env.rotation = { alarmEmails: ['oncall@example.com', 'pager-duty'] }),
      /rotation\.alarmEmails\[1\]: must be an e-mail address such as oncall@example\.com, got "pager-duty"/,
    ],
    [
      'an alarm e-mail is listed twice',
      (env) => (env.rotation = { alarmEmails: ['oncall@example.com', 'OnCall@example.com'] }),
      /rotation: alarmEmails lists "OnCall@example\.com" twice/,
    ],
    [
      'the alarm topic is not an SNS topic ARN',
      (env) => (env.rotation = { alarmTopicArn: 'oncall' }),
      /rotation\.alarmTopicArn: must be an SNS topic ARN .*, got "oncall"/,
    ],
    [
      'the sweep runs every 1 minutes',
      (env) => (env.rotation = { sweepSchedule: 'rate(1 minutes)' }),
      /rotation\.sweepSchedule: must be an EventBridge schedule.*, got "rate\(1 minutes\)"/,
    ],
    [
      'the sweep cron sets both day fields',
      (env) => (env.rotation = { sweepSchedule: 'cron(0 * * * * *)' }),
      /rotation\.sweepSchedule: must be an EventBridge schedule.*\? in exactly one of day-of-month and day-of-week, got "cron\(0 \* \* \* \* \*\)"/,
    ],
    [
      'a raised key quota is fractional',
      (env) => (env.rotation = { accountQuotas: { apiKeysPerRegion: 1e4 + 0.5 } }),
      /rotation\.accountQuotas\.apiKeysPerRegion: must be a positive integer, got 10000\.5/,
    ],
    [
      'the key budget is over what the rotation function accepts',
      (env) => (env.rotation = { keyBudget: 1_000_001 }),
      /rotation\.keyBudget: must be a whole number of keys from 1 to 1000000 \(the rotation function refuses any other\), got 1000001/,
    ],
  ])('fails when %s, naming the JSON path, value and rule', (_case, change, message) => {
    expect(() => build(change)).toThrow(
      new RegExp(`^the keyplane config is invalid:\\n {2}environments\\.dev\\.${message.source}`)
    );
  });
});
