/**
 * A typed builder for CloudWatch dashboard bodies (the JSON of PutDashboard), so a dashboard is
 * declared as a list of widgets and laid out here, not written as a string. It covers what the
 * rotation service's dashboard uses: metric graphs and Markdown text.
 * Reference: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */

/** One metric of a graph. */
export interface DashboardMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension names to values. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** @default - the widget's statistic */
  readonly stat?: string;
  /** @default - CloudWatch's label: the metric name and dimensions */
  readonly label?: string;
}

/** A graph of metrics over time. */
export interface GraphWidget {
  readonly kind: 'graph';
  readonly title: string;
  readonly metrics: readonly DashboardMetric[];
  /** Statistic of every metric without its own, e.g. 'Sum', 'Maximum'. */
  readonly stat: string;
  /** Seconds each point covers. */
  readonly period: number;
  /** @default 12 (half the dashboard's width) */
  readonly width?: number;
}

/** Markdown text. */
export interface TextWidget {
  readonly kind: 'text';
  readonly markdown: string;
  /** @default 24 (the dashboard's width) */
  readonly width?: number;
  /** @default 3 */
  readonly height?: number;
}

export type DashboardWidget = GraphWidget | TextWidget;

/** Columns of a dashboard. */
const GRID_WIDTH = 24;
const GRAPH_HEIGHT = 6;

/** The dashboard body: widgets placed left to right, wrapping at the dashboard's width. */
export function dashboardBody(region: string, widgets: readonly DashboardWidget[]): string {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const placed = widgets.map((widget) => {
    const width = widget.width ?? (widget.kind === 'graph' ? GRID_WIDTH / 2 : GRID_WIDTH);
    const height = widget.kind === 'graph' ? GRAPH_HEIGHT : (widget.height ?? 3);
    if (x + width > GRID_WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const position = { x, y, width, height };
    x += width;
    rowHeight = Math.max(rowHeight, height);
    return widget.kind === 'graph'
      ? { type: 'metric', ...position, properties: graphProperties(region, widget) }
      : { type: 'text', ...position, properties: { markdown: widget.markdown } };
  });
  return JSON.stringify({ widgets: placed });
}

function graphProperties(region: string, widget: GraphWidget) {
  return {
    title: widget.title,
    region,
    view: 'timeSeries',
    stacked: false,
    stat: widget.stat,
    period: widget.period,
    metrics: widget.metrics.map(metricArray),
  };
}

/** `[namespace, name, dim1, value1, ..., {options}]`, the body's metric notation. */
function metricArray(metric: DashboardMetric): unknown[] {
  const options = {
    ...(metric.stat && { stat: metric.stat }),
    ...(metric.label && { label: metric.label }),
  };
  return [
    metric.namespace,
    metric.metricName,
    ...Object.entries(metric.dimensions).flat(),
    ...(Object.keys(options).length > 0 ? [options] : []),
  ];
}
