/**
 * What Terraform deployed each rotation function with: its environment variables, read with one
 * GetFunctionConfiguration per function. `keyplane status` and `doctor` read them once and take
 * from them the overdue margin (overdue-margin.ts) and the further key regions (key-regions.ts).
 * A function whose configuration cannot be read (no lambda:GetFunctionConfiguration, function
 * gone) is left out: its consumers get the defaults.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** Each readable rotation function's environment variables, by the function's ARN. */
export type FunctionSettings = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Reads the environment of each of `functionArns`, each ARN once; no client reads none. */
export async function readFunctionSettings(
  lambda: LambdaClient | undefined,
  functionArns: Iterable<string | undefined>
): Promise<FunctionSettings> {
  const arns = [...new Set(functionArns)].filter((arn): arn is string => arn !== undefined);
  if (lambda === undefined) return new Map();
  const read = await Promise.all(
    arns.map(async (arn) => [arn, await environmentOf(lambda, arn)] as const)
  );
  return new Map(
    read.filter((entry): entry is [string, Record<string, string>] => entry[1] !== undefined)
  );
}

async function environmentOf(
  lambda: LambdaClient,
  arn: string
): Promise<Record<string, string> | undefined> {
  try {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    return config.Environment?.Variables ?? {};
  } catch {
    return undefined;
  }
}
