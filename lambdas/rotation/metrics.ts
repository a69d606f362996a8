/**
 * Metrics as CloudWatch Embedded Metric Format: one JSON line per invocation that CloudWatch
 * Logs turns into metrics in the Keyplane namespace, dimension Service. No API call, no
 * permission beyond writing logs.
 */

export const METRICS_NAMESPACE = 'Keyplane';

/** Every metric the function publishes, with its CloudWatch unit. */
export const METRIC_UNITS = {
  Rotations: 'Count',
  Retirements: 'Count',
  Deletions: 'Count',
  Failures: 'Count',
  DurationMs: 'Milliseconds',
} as const;

export type MetricName = keyof typeof METRIC_UNITS;

/** The metrics of one invocation; every metric is published, zeros included, so alarms see data. */
export class InvocationMetrics {
  private readonly values = new Map<MetricName, number>();

  add(name: MetricName, value = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + value);
  }

  get(name: MetricName): number {
    return this.values.get(name) ?? 0;
  }

  /** The EMF document; `operation` is a property for Logs Insights, not a dimension. */
  toEmf(service: string, operation: string, timestamp: number): Record<string, unknown> {
    const names = Object.keys(METRIC_UNITS) as MetricName[];
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['Service']],
            Metrics: names.map((name) => ({ Name: name, Unit: METRIC_UNITS[name] })),
          },
        ],
      },
      Service: service,
      Operation: operation,
    };
    for (const name of names) {
      document[name] = this.get(name);
    }
    return document;
  }

  /** Writes the EMF line to stdout. */
  publish(service: string, operation: string, timestamp = Date.now()): void {
    process.stdout.write(`${JSON.stringify(this.toEmf(service, operation, timestamp))}\n`);
  }
}
