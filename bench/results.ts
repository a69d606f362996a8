/** The shape of bench/results/*.json, which report.ts turns into bench/README.md. */
import type { ApplyMeasure } from './apply';
import type { LambdaMeasure } from './lambda';
import type { MachineInfo } from './machine';
import type { PlanMeasure } from './plan';
import type { RotationCostMeasure } from './rotation-cost';
import type { SynthMeasure, SynthSize } from './synth';

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly synthSizes: readonly SynthSize[];
  readonly synth: readonly SynthMeasure[];
  readonly planRuns: Readonly<Record<number, number>>;
  readonly plan: readonly PlanMeasure[];
  /** Apply and destroy against moto; absent in results written before it was measured. */
  readonly applyRuns?: number;
  readonly apply?: readonly ApplyMeasure[];
  readonly lambdaRuns: number;
  readonly lambda: readonly LambdaMeasure[];
  /** Part 3; absent in results written before it was measured. */
  readonly rotationCost?: RotationCostMeasure;
  /** Wall time of the whole bench, in seconds. */
  readonly totalSeconds: number;
}
