/**
 * What the rotation code needs from the outside world, built once per container: the
 * configuration, the two stores, a clock and an HTTP client. Tests build their own.
 */
import { ApiKeyStore } from './api-key-store';
import type { AwsClients } from './clients';
import type { RotationEnv } from './env';
import { SecretStore } from './secret-store';

/** The subset of fetch the health check uses. */
export type HttpGet = (
  url: string,
  init: { headers: Record<string, string>; redirect: 'manual'; signal: AbortSignal }
) => Promise<{ status: number }>;

export interface Runtime {
  readonly env: RotationEnv;
  readonly secrets: SecretStore;
  readonly keys: ApiKeyStore;
  readonly now: () => Date;
  readonly httpGet: HttpGet;
}

export function createRuntime(
  env: RotationEnv,
  clients: AwsClients,
  overrides: Partial<Pick<Runtime, 'now' | 'httpGet'>> = {}
): Runtime {
  return {
    env,
    secrets: new SecretStore(clients.secretsManager),
    keys: new ApiKeyStore(clients.apiGateway, env.region),
    now: overrides.now ?? (() => new Date()),
    httpGet: overrides.httpGet ?? ((url, init) => fetch(url, init)),
  };
}
