import { InvocationMetrics, METRICS_NAMESPACE } from '../../../lambdas/rotation/metrics';
import { captureStdout } from './support/stdout';

describe('InvocationMetrics', () => {
  test('publishes one EMF line with every metric, zeros included', () => {
    const metrics = new InvocationMetrics();
    metrics.add('Rotations');
    metrics.add('Retirements', 3);
    metrics.add('DurationMs', 125);
    const stdout = captureStdout();
    try {
      metrics.publish('orders-api', 'sweep', 1_700_000_000_000);
    } finally {
      stdout.restore();
    }

    const lines = stdout.lines();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['Service']],
            Metrics: [
              { Name: 'Rotations', Unit: 'Count' },
              { Name: 'Retirements', Unit: 'Count' },
              { Name: 'Deletions', Unit: 'Count' },
              { Name: 'Failures', Unit: 'Count' },
              { Name: 'RotationFailures', Unit: 'Count' },
              { Name: 'SweepFailures', Unit: 'Count' },
              { Name: 'UnprovenKeys', Unit: 'Count' },
              { Name: 'PolicyTagMismatches', Unit: 'Count' },
              { Name: 'UnmanagedSecrets', Unit: 'Count' },
              { Name: 'CoolDownRefusals', Unit: 'Count' },
              { Name: 'KeyBudgetRefusals', Unit: 'Count' },
              { Name: 'DurationMs', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Service: 'orders-api',
      Operation: 'sweep',
      Rotations: 1,
      Retirements: 3,
      Deletions: 0,
      Failures: 0,
      RotationFailures: 0,
      SweepFailures: 0,
      UnprovenKeys: 0,
      PolicyTagMismatches: 0,
      UnmanagedSecrets: 0,
      CoolDownRefusals: 0,
      KeyBudgetRefusals: 0,
      DurationMs: 125,
    });
    expect(METRICS_NAMESPACE).toBe('Keyplane');
  });

  test('publishes a gauge only when it was set, zero included', () => {
    const unset = new InvocationMetrics().toEmf('orders-api', 'createSecret', 0);
    expect(unset).not.toHaveProperty('OverdueConsumers');

    const metrics = new InvocationMetrics();
    metrics.set('OverdueConsumers', 0);
    const emf = metrics.toEmf('orders-api', 'sweep', 0);
    expect(emf.OverdueConsumers).toBe(0);
    expect(JSON.stringify(emf._aws)).toContain('{"Name":"OverdueConsumers","Unit":"Count"}');
  });

  test('adds up', () => {
    const metrics = new InvocationMetrics();
    metrics.add('Failures');
    metrics.add('Failures', 2);
    expect(metrics.get('Failures')).toBe(3);
    expect(metrics.get('Deletions')).toBe(0);
  });
});
