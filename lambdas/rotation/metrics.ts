/**
 * Metrics as CloudWatch Embedded Metric Format: one JSON line per invocation that CloudWatch
 * Logs turns into metrics in the Keyplane namespace, dimension Service. No API call, no
 * permission beyond writing logs.
 */

import { METRICS_DIMENSION, METRICS_NAMESPACE } from '../../contract';

export { METRICS_NAMESPACE } from '../../contract';

/** The metrics every invocation publishes, with their CloudWatch unit. */
export const METRIC_UNITS = {
  Rotations: 'Count',
  Retirements: 'Count',
  Deletions: 'Count',
  /** Every failure: the two below, teardown failures and unreadable events. */
  Failures: 'Count',
  /** A rotation step or a revoke that failed. */
  RotationFailures: 'Count',
  /** A sweep that failed, or a key or consumer a sweep could not bring in line. */
  SweepFailures: 'Count',
  /**
   * Keys the function was about to act on but could not prove it made (ownership.ts): left
   * alone and reported. Anything above zero means someone planted or edited something.
   */
  UnprovenKeys: 'Count',
  /**
   * Policy tags on a secret that differ from the deployer's policy (policy-audit.ts): reported,
   * not obeyed. Anything above zero means someone edited a secret's tags.
   */
  PolicyTagMismatches: 'Count',
  /**
   * Secrets under the name prefix that the deployer's policy does not declare, refused or
   * ignored: someone created a secret where the service's secrets live.
   */
  UnmanagedSecrets: 'Count',
  /**
   * Rotations and revokes refused by the consumer's cool-down (cool-down.ts): someone asked for
   * keys faster than the deployer allows.
   */
  CoolDownRefusals: 'Count',
  /** New keys refused because the service holds its whole key budget (key-budget.ts). */
  KeyBudgetRefusals: 'Count',
  DurationMs: 'Milliseconds',
} as const;

/**
 * Measurements published only by the invocations that take them (the sweep), so a missing
 * value means the measurement did not run.
 */
export const GAUGE_UNITS = {
  /** Consumers whose current key is older than their rotation schedule plus the margin. */
  OverdueConsumers: 'Count',
  /** Outgoing keys still in use that the sweep holds past their grace period. */
  HeldKeys: 'Count',
  /** The service's keys, enabled and retained, in the region after the sweep. */
  KeysHeld: 'Count',
  /** How many keys the service holds beyond its key budget: above zero fires key-budget. */
  KeysOverBudget: 'Count',
} as const;

export type MetricName = keyof typeof METRIC_UNITS;
export type GaugeName = keyof typeof GAUGE_UNITS;

/** The metrics of one invocation; every metric is published, zeros included, so alarms see data. */
export class InvocationMetrics {
  private readonly values = new Map<MetricName, number>();
  private readonly gauges = new Map<GaugeName, number>();

  add(name: MetricName, value = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + value);
  }

  get(name: MetricName): number {
    return this.values.get(name) ?? 0;
  }

  /** Records a measurement; only measurements that were set are published. */
  set(name: GaugeName, value: number): void {
    this.gauges.set(name, value);
  }

  /** The EMF document; `operation` is a property for Logs Insights, not a dimension. */
  toEmf(service: string, operation: string, timestamp: number): Record<string, unknown> {
    const names = Object.keys(METRIC_UNITS) as MetricName[];
    const gauges = [...this.gauges.keys()];
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [[METRICS_DIMENSION]],
            Metrics: [
              ...names.map((name) => ({ Name: name, Unit: METRIC_UNITS[name] })),
              ...gauges.map((name) => ({ Name: name, Unit: GAUGE_UNITS[name] })),
            ],
          },
        ],
      },
      [METRICS_DIMENSION]: service,
      Operation: operation,
    };
    for (const name of names) {
      document[name] = this.get(name);
    }
    for (const [name, value] of this.gauges) {
      document[name] = value;
    }
    return document;
  }

  /** Writes the EMF line to stdout. */
  publish(service: string, operation: string, timestamp = Date.now()): void {
    process.stdout.write(`${JSON.stringify(this.toEmf(service, operation, timestamp))}\n`);
  }
}
