/**
 * Driving a deployed rotation Lambda directly: invoke it with a keyplane event and run a sweep
 * to completion (a sweep out of budget returns a cursor to be re-invoked with).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SweepEvent, SweepPlannedChange } from '../contract/events';
import type { SweepResult } from '../contract/sweep-result';

/** The most re-invocations one sweep may need before it is reported as stuck. */
const MAX_SWEEP_ROUNDS = 50;

/** The rotation function of a service, as RotationService names it (`<service>-rotation`). */
export function rotationFunctionName(service: string): string {
  return `${service}-rotation`;
}

/** Invokes the function; a function error becomes an Error carrying its (redacted) message. */
export async function invokeRotationFunction<T>(
  lambda: LambdaClient,
  functionName: string,
  event: object
): Promise<T> {
  const result = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) })
  );
  const body = JSON.parse(Buffer.from(result.Payload ?? []).toString() || 'null');
  if (result.FunctionError)
    throw new Error(`${functionName} failed: ${body?.errorMessage ?? result.FunctionError}`);
  return body as T;
}

/** A whole sweep: the counts of its rounds added up and, for a dry run, every planned change. */
export interface SweepOutcome {
  readonly counts: Record<string, number>;
  readonly planned: SweepPlannedChange[];
}

/** Runs a sweep (`event`) to completion, following its cursor. */
export async function sweepToCompletion(
  lambda: LambdaClient,
  functionName: string,
  event: SweepEvent = { action: 'sweep' }
): Promise<SweepOutcome> {
  const counts: Record<string, number> = {};
  const planned: SweepPlannedChange[] = [];
  let next = event;
  for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
    const result = await invokeRotationFunction<SweepResult>(lambda, functionName, next);
    for (const [name, n] of Object.entries(result.counts)) counts[name] = (counts[name] ?? 0) + n;
    planned.push(...(result.planned ?? []));
    if (result.complete) return { counts, planned };
    next = { ...event, cursor: result.cursor };
  }
  throw new Error(`${functionName}: the sweep did not complete in ${MAX_SWEEP_ROUNDS} rounds`);
}
