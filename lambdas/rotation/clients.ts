/**
 * The AWS SDK v3 clients, made once per container. All use the SDK's own adaptive retry
 * (exponential backoff with jitter plus client-side rate limiting after throttling) instead of
 * a hand-written loop. Endpoints come from the SDK's standard configuration, so AWS_ENDPOINT_URL
 * points them at a local emulator in tests. API Gateway calls pass through the pacer first.
 *
 * The SDK's HTTP handler waits forever by default: a connection that never answers would hold
 * the invocation until the Lambda timeout, with no retry. Bounded connection and request
 * timeouts turn a hung call into a TimeoutError the retry strategy repeats.
 */
import { APIGatewayClient, type APIGatewayClientConfig } from '@aws-sdk/client-api-gateway';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  API_GATEWAY_LIMITS,
  ApiGatewayPacer,
  operationName,
  type ApiGatewayLimits,
} from './pacing';

/** Attempts per call, the first included; with adaptive backoff this spans a few seconds. */
export const MAX_ATTEMPTS = 6;
export const RETRY_MODE = 'adaptive';
/** Milliseconds to establish a TCP connection before the attempt fails. */
export const CONNECTION_TIMEOUT_MS = 3_000;
/** Milliseconds a request and its answer may take before the attempt fails. */
export const REQUEST_TIMEOUT_MS = 5_000;

export interface AwsClients {
  readonly secretsManager: SecretsManagerClient;
  readonly apiGateway: APIGatewayClient;
  /** For the ownership proof (GenerateMac, VerifyMac). */
  readonly kms: KMSClient;
  /**
   * API Gateway in a further region of the service's keys (README, "Multi-region keys"), made
   * on first use, each with a pacer of its own at the same limits (API Gateway's rates are per
   * region).
   */
  readonly apiGatewayIn: (region: string) => APIGatewayClient;
}

/**
 * Settings tests and the bench may override: where calls go, with which credentials, how many
 * attempts, which retry mode (the bench's baseline uses the SDK's standard one).
 */
export type ClientOverrides = Pick<
  APIGatewayClientConfig,
  'region' | 'credentials' | 'endpoint' | 'requestHandler' | 'maxAttempts' | 'retryMode'
>;

/**
 * The clients of one container. `limits` paces its API Gateway calls in each region: the
 * container's share (pacing.ts containerLimits), the function's whole share by default.
 */
export function createClients(
  overrides: ClientOverrides = {},
  limits: ApiGatewayLimits = API_GATEWAY_LIMITS
): AwsClients {
  const common = {
    retryMode: RETRY_MODE,
    maxAttempts: MAX_ATTEMPTS,
    // Options, not an instance: each client builds its own NodeHttpHandler from them.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // Without it this SDK version only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    ...overrides,
  };
  return {
    secretsManager: new SecretsManagerClient(common),
    apiGateway: pacedApiGateway(common, new ApiGatewayPacer(limits)),
    kms: new KMSClient(common),
    apiGatewayIn: (region) => pacedApiGateway({ ...common, region }, new ApiGatewayPacer(limits)),
  };
}

/** An API Gateway client whose calls pass through `pacer` first. */
function pacedApiGateway(config: APIGatewayClientConfig, pacer: ApiGatewayPacer): APIGatewayClient {
  const apiGateway = new APIGatewayClient(config);
  apiGateway.middlewareStack.add(
    (next, context) => async (args) => {
      await pacer.acquire(operationName(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'keyplanePacing' }
  );
  return apiGateway;
}
