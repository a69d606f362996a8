import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack } from 'cdktf';

/** A fresh app and stack with an AWS provider, as every construct test starts from. */
export function newStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return stack;
}

/** A synthesized stack's Terraform JSON. */
export interface SynthJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Synthesizes `stack` (running construct validations) and parses the result. */
export function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

/** The resources of one Terraform type, without cdktf's metadata. */
export function resourcesOf(json: SynthJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {}).map(({ ['//']: _metadata, ...rest }) => rest);
}
