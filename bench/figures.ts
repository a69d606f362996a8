/**
 * What the bench reports: figures, each a measured value with its unit, optionally the same
 * figure of a baseline measured in the same run, and a target the value (or the ratio to the
 * baseline) must meet. The README table is made from these and nothing else.
 */

export type Unit = 's' | 'MiB' | 'calls' | '/s' | 'count';

export interface Target {
  /** The issue that set it. */
  readonly issue: number;
  /** Whether the bound is on the value or on value / baseline. */
  readonly on: 'value' | 'ratio';
  readonly atMost?: number;
  readonly atLeast?: number;
}

export interface Figure {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number;
  /** The baseline's figure, measured in the same run. */
  readonly baseline?: number;
  /** What the baseline is, when there is one. */
  readonly baselineName?: string;
  readonly target?: Target;
}

export type Status = 'met' | 'missed';

export function ratioOf(figure: Figure): number | undefined {
  return figure.baseline ? figure.value / figure.baseline : undefined;
}

export function statusOf(figure: Figure): Status | undefined {
  const { target } = figure;
  if (!target) return undefined;
  const measured = target.on === 'ratio' ? ratioOf(figure) : figure.value;
  if (measured === undefined) return 'missed';
  const ok =
    (target.atMost === undefined || measured <= target.atMost) &&
    (target.atLeast === undefined || measured >= target.atLeast);
  return ok ? 'met' : 'missed';
}

function formatValue(value: number, unit: Unit): string {
  const digits = unit === 'MiB' || unit === 'count' ? 0 : unit === 'calls' ? 1 : 2;
  const number = value.toFixed(digits);
  return unit === 'count' || unit === 'calls' ? number : `${number} ${unit}`;
}

function formatTarget(figure: Figure): string {
  const { target } = figure;
  if (!target) return '';
  const bound = (value: number) =>
    target.on === 'ratio' ? `${value}x baseline` : formatValue(value, figure.unit);
  const parts = [
    target.atMost === undefined ? undefined : `<= ${bound(target.atMost)}`,
    target.atLeast === undefined ? undefined : `>= ${bound(target.atLeast)}`,
  ].filter(Boolean);
  return `${parts.join(', ')} (#${target.issue})`;
}

/** The cells of one figure's row: figure, keyplane, baseline, ratio, target, status. */
export function figureRow(figure: Figure): string[] {
  const ratio = ratioOf(figure);
  const status = statusOf(figure);
  return [
    figure.name,
    formatValue(figure.value, figure.unit),
    figure.baseline === undefined
      ? ''
      : `${formatValue(figure.baseline, figure.unit)} (${figure.baselineName})`,
    ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
    formatTarget(figure),
    status === 'missed' ? '**missed**' : (status ?? ''),
  ];
}

export const TABLE_HEADER = ['figure', 'keyplane', 'baseline', 'ratio', 'target', ''];
