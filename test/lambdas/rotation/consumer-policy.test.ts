/**
 * The rules of a consumer's policy, in the tag form the contract checks them in: the function
 * checks every entry of the deployer's document with them (deployer-policy.test.ts), and synth
 * writes the same form as informative tags.
 */
import {
  consumerPolicyTags,
  DEFAULT_GRACE_PERIOD_SECONDS,
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  isPolicyTagProblem,
  readConsumerPolicyTags,
  SecretTag,
} from '../../../contract';
import { consumerTags } from './support/fixtures';

class TagRuleError extends Error {}

/** The policy the tags carry, or a TagRuleError naming the secret, the tag and the rule. */
function readConsumerPolicy(secretId: string, tags: Record<string, string>) {
  const policy = readConsumerPolicyTags(tags);
  if (isPolicyTagProblem(policy)) {
    throw new TagRuleError(`${secretId}: tag ${policy.tag} ${policy.rule}`);
  }
  return policy;
}

const USAGE_DEFAULTS = {
  carryQuota: true,
  quotaSlackPercent: DEFAULT_QUOTA_SLACK_PERCENT,
  quietPeriodSeconds: DEFAULT_QUIET_PERIOD_SECONDS,
  maxHoldSeconds: DEFAULT_MAX_HOLD_SECONDS,
};

describe('readConsumerPolicy', () => {
  test('reads consumer, plans, grace period, prefix and health check', () => {
    const tags = consumerTags({ [SecretTag.HEALTH_CHECK_URL]: 'https://api.example.com/health' });
    expect(readConsumerPolicy('s', tags)).toEqual({
      consumer: 'checkout',
      usagePlanIds: ['plangold', 'planbulk'],
      gracePeriodSeconds: 3600,
      keyPrefix: 'ordK',
      healthCheckUrl: 'https://api.example.com/health',
      ...USAGE_DEFAULTS,
    });
  });

  test('defaults: a day of grace, no prefix, no health check; drops empty and repeated plan ids', () => {
    const tags = consumerTags({
      [SecretTag.GRACE_PERIOD_SECONDS]: undefined,
      [SecretTag.KEY_PREFIX]: undefined,
      [SecretTag.USAGE_PLANS]: ' p1  p2 p1 ',
    });
    expect(readConsumerPolicy('s', tags)).toEqual({
      consumer: 'checkout',
      usagePlanIds: ['p1', 'p2'],
      gracePeriodSeconds: DEFAULT_GRACE_PERIOD_SECONDS,
      keyPrefix: '',
      ...USAGE_DEFAULTS,
    });
    expect(DEFAULT_GRACE_PERIOD_SECONDS).toBe(86400);
  });

  test('defaults of the usage-aware policies: quota carried with 10% slack, 6h quiet, 3 days hold', () => {
    expect(USAGE_DEFAULTS).toEqual({
      carryQuota: true,
      quotaSlackPercent: 10,
      quietPeriodSeconds: 6 * 3600,
      maxHoldSeconds: 3 * 86400,
    });
  });

  test('reads the usage-aware policies, 0 turning early retirement and holds off', () => {
    const tags = consumerTags({
      [SecretTag.CARRY_QUOTA]: 'false',
      [SecretTag.QUOTA_SLACK_PERCENT]: '100',
      [SecretTag.QUIET_PERIOD_SECONDS]: '0',
      [SecretTag.MAX_HOLD_SECONDS]: '0',
    });
    expect(readConsumerPolicy('s', tags)).toMatchObject({
      carryQuota: false,
      quotaSlackPercent: 100,
      quietPeriodSeconds: 0,
      maxHoldSeconds: 0,
    });
  });

  test.each([
    [SecretTag.CONSUMER, undefined, /tag keyplane:consumer must start with a letter or digit/],
    [SecretTag.CONSUMER, 'has space', /keyplane:consumer must start with/],
    [SecretTag.USAGE_PLANS, undefined, /keyplane:usage-plans must be present/],
    [SecretTag.USAGE_PLANS, 'p1,p2', /keyplane:usage-plans must be usage plan ids/],
    [SecretTag.GRACE_PERIOD_SECONDS, '1h', /keyplane:grace-period-seconds must be a whole number/],
    [SecretTag.KEY_PREFIX, 'ord_', /keyplane:key-prefix must be at most 90 letters and digits/],
    [SecretTag.HEALTH_CHECK_URL, 'ftp://x', /keyplane:health-check-url must be an https URL/],
    [SecretTag.CARRY_QUOTA, 'yes', /keyplane:carry-quota must be "true" or "false"/],
    [
      SecretTag.QUOTA_SLACK_PERCENT,
      '101',
      /keyplane:quota-slack-percent must be a whole number from 0 to 100/,
    ],
    [
      SecretTag.QUIET_PERIOD_SECONDS,
      '-1',
      /keyplane:quiet-period-seconds must be a whole number of seconds/,
    ],
    [
      SecretTag.MAX_HOLD_SECONDS,
      '2592001',
      /keyplane:max-hold-seconds must be a whole number of seconds from 0 to 2592000/,
    ],
    [
      SecretTag.HEALTH_CHECK_URL,
      'http://collector.example.net/steal',
      /keyplane:health-check-url must be an https URL \(plain http only to localhost\)/,
    ],
  ])('fails naming the secret and the tag when %s is %p', (tag, value, message) => {
    const read = () => readConsumerPolicy('keyplane/x', consumerTags({ [tag]: value }));
    expect(read).toThrow(TagRuleError);
    expect(read).toThrow(message);
    expect(read).toThrow(/^keyplane\/x: /);
  });
});

describe('readConsumerPolicy at the edges of each rule', () => {
  const read = (tag: string, value: string) =>
    readConsumerPolicy('keyplane/x', consumerTags({ [tag]: value }));

  test.each([
    ['negative', '-5'],
    ['over the maximum of a year', '31536001'],
    ['ten digits', '1000000000'],
    ['empty', ''],
    ['a decimal', '1.5'],
  ])('a grace period that is %s fails', (_, value) => {
    expect(() => read(SecretTag.GRACE_PERIOD_SECONDS, value)).toThrow(
      /keyplane:grace-period-seconds must be a whole number of seconds from 0 to 31536000/
    );
  });

  test('a grace period of 0 and of exactly a year are read as numbers', () => {
    expect(read(SecretTag.GRACE_PERIOD_SECONDS, '0').gracePeriodSeconds).toBe(0);
    expect(read(SecretTag.GRACE_PERIOD_SECONDS, '31536000').gracePeriodSeconds).toBe(31_536_000);
    expect(read(SecretTag.GRACE_PERIOD_SECONDS, '007').gracePeriodSeconds).toBe(7);
  });

  test.each(['p1 p-2', 'p_1 p2', `p1 ${'p'.repeat(65)}`])(
    'plan ids that mix valid and invalid ones fail: %p',
    (value) => {
      expect(() => read(SecretTag.USAGE_PLANS, value)).toThrow(
        /keyplane:usage-plans must be usage plan ids/
      );
    }
  );

  test('a plan id of 64 characters is read; a tag of separators alone declares no plan', () => {
    const longest = 'p'.repeat(64);
    expect(read(SecretTag.USAGE_PLANS, `p1 ${longest}`).usagePlanIds).toEqual(['p1', longest]);
    expect(read(SecretTag.USAGE_PLANS, '  ').usagePlanIds).toEqual([]);
  });

  test('a consumer name of 64 characters is read; 65, empty or a leading sign fails', () => {
    expect(read(SecretTag.CONSUMER, 'c'.repeat(64)).consumer).toBe('c'.repeat(64));
    expect(read(SecretTag.CONSUMER, 'a_b-c').consumer).toBe('a_b-c');
    for (const bad of ['c'.repeat(65), '', '-ab', 'a b', 'a.b']) {
      expect(() => read(SecretTag.CONSUMER, bad)).toThrow(/keyplane:consumer must/);
    }
  });

  test('a key prefix of 90 characters is read; 91 fails', () => {
    expect(read(SecretTag.KEY_PREFIX, 'P'.repeat(90)).keyPrefix).toBe('P'.repeat(90));
    expect(() => read(SecretTag.KEY_PREFIX, 'P'.repeat(91))).toThrow(/keyplane:key-prefix/);
  });

  test('no health-check tag: the policy has no health-check URL at all', () => {
    const policy = readConsumerPolicy(
      's',
      consumerTags({ [SecretTag.HEALTH_CHECK_URL]: undefined })
    );
    expect(policy).not.toHaveProperty('healthCheckUrl');
  });

  test('an http URL to this machine is read (a local health check)', () => {
    expect(read(SecretTag.HEALTH_CHECK_URL, 'http://localhost:8080/health').healthCheckUrl).toBe(
      'http://localhost:8080/health'
    );
  });

  test('a health-check URL that does not parse fails', () => {
    for (const bad of ['not a url', 'api.example.com/health', '']) {
      expect(() => read(SecretTag.HEALTH_CHECK_URL, bad)).toThrow(/keyplane:health-check-url/);
    }
  });
});

describe('consumerPolicyTags', () => {
  test('writes the tags the function reads back to the same policy, health check or not', () => {
    const policy = {
      consumer: 'checkout',
      usagePlanIds: ['p1', 'p2'],
      gracePeriodSeconds: 60,
      keyPrefix: 'ordK',
      ...USAGE_DEFAULTS,
    };
    expect(consumerPolicyTags(policy)).toStrictEqual({
      [SecretTag.CONSUMER]: 'checkout',
      [SecretTag.USAGE_PLANS]: 'p1 p2',
      [SecretTag.GRACE_PERIOD_SECONDS]: '60',
      [SecretTag.KEY_PREFIX]: 'ordK',
      [SecretTag.CARRY_QUOTA]: 'true',
      [SecretTag.QUOTA_SLACK_PERCENT]: '10',
      [SecretTag.QUIET_PERIOD_SECONDS]: '21600',
      [SecretTag.MAX_HOLD_SECONDS]: '259200',
    });
    const withCheck = { ...policy, healthCheckUrl: 'https://api.example.com/health' };
    expect(readConsumerPolicy('s', consumerPolicyTags(withCheck))).toStrictEqual(withCheck);
  });
});

describe('health-check URLs', () => {
  const read = (url: string) =>
    readConsumerPolicy('keyplane/x', consumerTags({ [SecretTag.HEALTH_CHECK_URL]: url }));

  test.each([
    'https://api.example.com/health',
    'https://localhost/h',
    'http://127.0.0.1:8080/h',
    'http://localhost/h',
    'http://[::1]:8080/h',
  ])('accepts %s', (url) => {
    expect(read(url).healthCheckUrl).toBe(url);
  });

  test.each([
    ['ftp://localhost/h', 'another scheme, even to this machine'],
    ['ftp://x', 'another scheme'],
    ['not a url', 'unparsable'],
  ])('refuses %s (%s) as not https, without the loopback hint', (url) => {
    expect(() => read(url)).toThrow(
      /^keyplane\/x: tag keyplane:health-check-url must be an https URL$/
    );
  });

  test.each(['http://collector.example.net/steal', 'http://127.0.0.2/h', 'http://10.0.0.1/h'])(
    'refuses plain http to %s: only this machine may get a key in clear',
    (url) => {
      expect(() => read(url)).toThrow(
        /^keyplane\/x: tag keyplane:health-check-url must be an https URL \(plain http only to localhost\)$/
      );
    }
  );
});
