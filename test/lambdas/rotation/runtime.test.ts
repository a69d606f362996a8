import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ApiKeyStore } from '../../../lambdas/rotation/api-key-store';
import { KeyOwnership } from '../../../lambdas/rotation/ownership';
import { createRuntime } from '../../../lambdas/rotation/runtime';
import { SecretStore } from '../../../lambdas/rotation/secret-store';
import { ENV } from './support/fixtures';

describe('createRuntime', () => {
  const clients = {
    secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
    apiGateway: new APIGatewayClient({ region: 'eu-west-1' }),
    kms: new KMSClient({ region: 'eu-west-1' }),
    apiGatewayIn: (region: string) => new APIGatewayClient({ region }),
  };

  test('wires the stores to the clients, with the real clock by default', () => {
    const runtime = createRuntime(ENV, clients);
    expect(runtime.env).toBe(ENV);
    expect(runtime.secrets).toBeInstanceOf(SecretStore);
    expect(runtime.keys).toBeInstanceOf(ApiKeyStore);
    expect(runtime.ownership).toBeInstanceOf(KeyOwnership);
    expect(Math.abs(runtime.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  test('takes a clock and an HTTP client from tests', () => {
    const now = new Date(0);
    const httpGet = jest.fn();
    const runtime = createRuntime(ENV, clients, { now: () => now, httpGet });
    expect(runtime.now()).toBe(now);
    expect(runtime.httpGet).toBe(httpGet);
  });
});
