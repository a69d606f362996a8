import { DEFAULT_GRACE_PERIOD_SECONDS, SecretTag } from '../../../contract';
import { readConsumerPolicy } from '../../../lambdas/rotation/consumer-policy';
import { SecretPolicyError } from '../../../lambdas/rotation/errors';
import { consumerTags } from './support/fixtures';

describe('readConsumerPolicy', () => {
  test('reads consumer, plans, grace period, prefix and health check', () => {
    const tags = consumerTags({ [SecretTag.HEALTH_CHECK_URL]: 'https://api.example.com/health' });
    expect(readConsumerPolicy('s', tags)).toEqual({
      consumer: 'checkout',
      usagePlanIds: ['plangold', 'planbulk'],
      gracePeriodSeconds: 3600,
      keyPrefix: 'ordK',
      healthCheckUrl: 'https://api.example.com/health',
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
    });
    expect(DEFAULT_GRACE_PERIOD_SECONDS).toBe(86400);
  });

  test.each([
    [SecretTag.CONSUMER, undefined, /tag keyplane:consumer must start with a letter or digit/],
    [SecretTag.CONSUMER, 'has space', /keyplane:consumer must start with/],
    [SecretTag.USAGE_PLANS, undefined, /keyplane:usage-plans must be present/],
    [SecretTag.USAGE_PLANS, 'p1,p2', /keyplane:usage-plans must be usage plan ids/],
    [SecretTag.GRACE_PERIOD_SECONDS, '1h', /keyplane:grace-period-seconds must be a whole number/],
    [SecretTag.KEY_PREFIX, 'ord_', /keyplane:key-prefix must be at most 90 letters and digits/],
    [SecretTag.HEALTH_CHECK_URL, 'ftp://x', /keyplane:health-check-url must be an http\(s\) URL/],
  ])('fails naming the secret and the tag when %s is %p', (tag, value, message) => {
    const read = () => readConsumerPolicy('keyplane/x', consumerTags({ [tag]: value }));
    expect(read).toThrow(SecretPolicyError);
    expect(read).toThrow(message);
    expect(read).toThrow(/^keyplane\/x: /);
  });
});
