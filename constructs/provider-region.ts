import { AwsProvider, type AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import type { IConstruct } from 'constructs';

/** The stack's default AWS provider: the one without an alias, else the first. */
function defaultProvider(stack: TerraformStack): AwsProvider | undefined {
  const providers = stack.node.children.filter((c): c is AwsProvider => c instanceof AwsProvider);
  return providers.find((p) => p.alias === undefined) ?? providers[0];
}

/** The region of a construct's stack, from its AWS provider; undefined when not a literal. */
export function providerRegion(construct: IConstruct): string | undefined {
  const region = defaultProvider(TerraformStack.of(construct))?.region;
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}

/**
 * The AWS provider of `region` in the construct's stack: one the stack already has (aliased,
 * with that literal region), or a new one aliased `region` with the default provider's
 * credentials, endpoints and default tags, so a stack pointed at an emulator or an assumed role
 * reaches the other region the same way.
 */
export function regionalProvider(construct: IConstruct, region: string): AwsProvider {
  const stack = TerraformStack.of(construct);
  const found = stack.node.children.find(
    (c): c is AwsProvider =>
      c instanceof AwsProvider && c.alias !== undefined && c.region === region
  );
  if (found !== undefined) return found;
  const base = defaultProvider(stack);
  const inherited: Omit<AwsProviderConfig, 'region' | 'alias'> =
    base === undefined
      ? {}
      : {
          accessKey: base.accessKey,
          secretKey: base.secretKey,
          token: base.token,
          profile: base.profile,
          sharedConfigFiles: base.sharedConfigFiles,
          sharedCredentialsFiles: base.sharedCredentialsFiles,
          assumeRole: base.assumeRole,
          allowedAccountIds: base.allowedAccountIds,
          defaultTags: base.defaultTags,
          endpoints: base.endpoints,
          skipCredentialsValidation: base.skipCredentialsValidation,
          skipMetadataApiCheck: base.skipMetadataApiCheck,
          skipRegionValidation: base.skipRegionValidation,
          skipRequestingAccountId: base.skipRequestingAccountId,
        };
  return new AwsProvider(stack, `aws-${region}`, { ...inherited, alias: region, region });
}
