/**
 * Where the rotation Lambda's metrics land (CloudWatch Embedded Metric Format): the namespace
 * and the one dimension the alarms and the dashboard select them by.
 */

/** CloudWatch namespace of every metric the rotation Lambda publishes. */
export const METRICS_NAMESPACE = 'Keyplane';

/** The dimension of those metrics; its value is the rotation service's name. */
export const METRICS_DIMENSION = 'Service';
