/**
 * The AWS clients of one CLI run, made for its target. Adaptive retries absorb short bursts of
 * throttling; what remains is reported with exit code 5.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsTarget } from './aws-target';

export interface AwsClients {
  readonly secretsManager: SecretsManagerClient;
  readonly apiGateway: APIGatewayClient;
  readonly lambda: LambdaClient;
  /** API Gateway in a further region of the keys (README, "Multi-region keys"). */
  readonly apiGatewayIn: (region: string) => APIGatewayClient;
}

/** Attempts per call (the SDK's default is 3): on-call runs should ride out a throttle. */
const MAX_ATTEMPTS = 6;

export function createClients(target: AwsTarget, env: NodeJS.ProcessEnv): AwsClients {
  const config = {
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
    ...(target.region === undefined ? {} : { region: target.region }),
    ...(target.profile === undefined ? {} : { profile: target.profile }),
    ...(target.endpoint === undefined
      ? {}
      : {
          endpoint: target.endpoint,
          ...(env.AWS_ACCESS_KEY_ID || target.profile
            ? {}
            : { credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
        }),
  };
  return {
    secretsManager: new SecretsManagerClient(config),
    apiGateway: new APIGatewayClient(config),
    lambda: new LambdaClient(config),
    apiGatewayIn: (region) => new APIGatewayClient({ ...config, region }),
  };
}
