import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import type { IConstruct } from 'constructs';

/** The region of a construct's stack, from its AWS provider; undefined when not a literal. */
export function providerRegion(construct: IConstruct): string | undefined {
  const stack = TerraformStack.of(construct);
  const provider = stack.node.children.find((c): c is AwsProvider => c instanceof AwsProvider);
  const region = provider?.region;
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}
