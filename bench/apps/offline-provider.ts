/**
 * The stack both bench apps start from: an AWS provider that never reaches AWS, and a local
 * backend, so `terraform plan` can run on the synthesized output with dummy credentials.
 */
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EMULATED_SERVICES } from '../../app/platform-stack';

/** The stack's name, and so its folder under the app's outdir: stacks/bench. */
export const STACK_NAME = 'bench';

/** Nothing listens here: a call that escapes to it fails at once instead of reaching AWS. */
export const CLOSED_ENDPOINT = 'http://127.0.0.1:1';

/** Provider `endpoints` with every service the platform app uses pointed at `endpoint`. */
export function endpointsFor(endpoint: string): Record<string, string> {
  return Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]));
}

/** A stack with the offline AWS provider and a local state file inside the stack folder. */
export class OfflineStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: 'us-east-1',
      accessKey: 'bench',
      secretKey: 'bench',
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: 'true',
      skipRegionValidation: true,
      endpoints: [endpointsFor(CLOSED_ENDPOINT)],
    });
    new LocalBackend(this, { path: path.join('terraform.tfstate') });
  }
}
