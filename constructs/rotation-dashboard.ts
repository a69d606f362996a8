/**
 * The rotation service's dashboard, as data: what the service did, what failed, and the traffic
 * of its plans' stages. {@link RotationMonitoring} lays it out with {@link dashboardBody}.
 */
import { METRICS_DIMENSION, METRICS_NAMESPACE } from '../contract/metrics';
import type { DashboardMetric, DashboardWidget, GraphWidget } from './dashboard-body';
import { FAILURE_PERIOD_SECONDS } from './rotation-alarms';
import type { UsagePlan } from './usage-plan';

/** What the dashboard shows. */
export interface DashboardSubject {
  readonly serviceName: string;
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  readonly logGroupName: string;
}

/** One API stage of a usage plan, with the plan's name. */
interface PlanStage {
  readonly plan: string;
  readonly apiId: string;
  readonly apiName?: string;
  readonly stageName: string;
}

/** The widgets of a service whose sweep reports every `sweepPeriod` seconds. */
export function rotationDashboardWidgets(
  subject: DashboardSubject,
  sweepPeriod: number,
  plans: readonly UsagePlan[]
): DashboardWidget[] {
  const stages: PlanStage[] = plans.flatMap((plan) =>
    plan.apiStages.map((stage) => ({ plan: plan.planName, ...stage }))
  );
  return [
    {
      kind: 'text',
      markdown: [
        `## keyplane ${subject.serviceName}`,
        `Rotation Lambda \`${subject.functionName}\`, logs \`${subject.logGroupName}\`. ` +
          'The alarms and what to do about each are in the keyplane README (On-call).',
      ].join('\n'),
      height: 2,
    },
    ...serviceGraphs(subject, sweepPeriod),
    ...stageTraffic(stages),
  ];
}

/** What the function did and what failed: keyplane's own metrics, Lambda's and the queue's. */
function serviceGraphs(subject: DashboardSubject, sweepPeriod: number): GraphWidget[] {
  const keyplane = (metricName: string, label: string): DashboardMetric => ({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: { [METRICS_DIMENSION]: subject.serviceName },
    label,
  });
  const lambda = (metricName: string, stat: string, label: string): DashboardMetric => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: subject.functionName },
    stat,
    label,
  });
  const graph = (title: string, stat: string, period: number, metrics: DashboardMetric[]) =>
    ({ kind: 'graph', title, stat, period, metrics }) as const;
  return [
    graph('Keys: rotations, retirements, deletions', 'Sum', 3_600, [
      keyplane('Rotations', 'rotations'),
      keyplane('Retirements', 'retirements'),
      keyplane('Deletions', 'deletions'),
    ]),
    graph('Failures', 'Sum', FAILURE_PERIOD_SECONDS, [
      keyplane('RotationFailures', 'rotation failures'),
      keyplane('SweepFailures', 'sweep failures'),
      lambda('Errors', 'Sum', 'Lambda errors (incl. timeouts)'),
    ]),
    graph('Overdue consumers and held keys (reported by each sweep)', 'Maximum', sweepPeriod, [
      keyplane('OverdueConsumers', 'overdue consumers'),
      keyplane('HeldKeys', 'keys held past their grace period'),
    ]),
    graph('Dead-letter queue depth', 'Maximum', FAILURE_PERIOD_SECONDS, [
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: subject.deadLetterQueueName },
        label: 'messages',
      },
    ]),
    graph('Rotation Lambda: invocations and duration (ms)', 'Sum', FAILURE_PERIOD_SECONDS, [
      lambda('Invocations', 'Sum', 'invocations'),
      lambda('Throttles', 'Sum', 'throttles'),
      lambda('Duration', 'Average', 'duration avg'),
      lambda('Duration', 'Maximum', 'duration max'),
    ]),
  ];
}

/**
 * Requests on the plans' stages. AWS/ApiGateway names APIs, so stages given by API id only are
 * listed, not graphed.
 */
function stageTraffic(stages: readonly PlanStage[]): DashboardWidget[] {
  const named = stages.filter((stage) => stage.apiName !== undefined);
  const byId = stages.filter((stage) => stage.apiName === undefined);
  const graph: DashboardWidget[] =
    named.length === 0
      ? []
      : [
          {
            kind: 'graph',
            title: "API requests on each usage plan's stages",
            stat: 'Sum',
            period: 3_600,
            width: 24,
            metrics: named.map((stage) => ({
              namespace: 'AWS/ApiGateway',
              metricName: 'Count',
              dimensions: { ApiName: stage.apiName!, Stage: stage.stageName },
              label: `${stage.plan}: ${stage.apiName} ${stage.stageName}`,
            })),
          },
        ];
  const note: DashboardWidget = {
    kind: 'text',
    markdown: [
      'API Gateway publishes no metric per usage plan or key, only per API stage: a stage ' +
        'graph counts every request to it, whichever key (or plan) made it. Per-key usage: `npx keyplane usage <consumer>`.',
      ...(byId.length > 0
        ? [
            `Not graphed (given by API id; AWS/ApiGateway names APIs): ${byId
              .map((stage) => `${stage.plan} ${stage.apiId}/${stage.stageName}`)
              .join(', ')}.`,
          ]
        : []),
    ].join('\n\n'),
    height: 2,
  };
  return [...graph, note];
}
