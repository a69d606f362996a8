/**
 * Driving a deployed rotation Lambda directly: invoke it with a keyplane event and run a sweep
 * to completion (a sweep out of budget returns a cursor to be re-invoked with).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SweepEvent } from '../contract/events';
import type { SweepCounts, SweepResult } from '../contract/sweep-result';

/** The most re-invocations one sweep may need before it is reported as stuck. */
const MAX_SWEEP_ROUNDS = 50;

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

/** Runs a sweep to completion, following its cursor; returns the last round's counts. */
export async function sweepToCompletion(
  lambda: LambdaClient,
  functionName: string
): Promise<SweepCounts> {
  let event: SweepEvent = { action: 'sweep' };
  for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
    const result = await invokeRotationFunction<SweepResult>(lambda, functionName, event);
    if (result.complete) return result.counts;
    event = { action: 'sweep', cursor: result.cursor };
  }
  throw new Error(`${functionName}: the sweep did not complete in ${MAX_SWEEP_ROUNDS} rounds`);
}
