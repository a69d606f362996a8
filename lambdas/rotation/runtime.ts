/**
 * What the rotation code needs from the outside world, built once per container: the
 * configuration, the two stores, the ownership proof, a clock and an HTTP client. Tests build their own.
 */
import { ApiKeyStore } from './api-key-store';
import type { AwsClients } from './clients';
import type { RotationEnv } from './env';
import { KeyRegions } from './key-regions';
import { KeyOwnership } from './ownership';
import { PolicyAudit } from './policy-audit';
import { SecretStore } from './secret-store';
import { UsageCounters } from './usage-counters';

/** The subset of fetch the health check uses. */
export type HttpGet = (
  url: string,
  init: { headers: Record<string, string>; redirect: 'manual'; signal: AbortSignal }
) => Promise<{ status: number }>;

export interface Runtime {
  readonly env: RotationEnv;
  readonly secrets: SecretStore;
  readonly keys: ApiKeyStore;
  /** API Gateway in the further regions of the consumers' keys (key-regions.ts). */
  readonly regions: KeyRegions;
  /** API Gateway's usage counters: the quota carry and the sweep's traffic watch. */
  readonly usage: UsageCounters;
  /** Proves and checks that the function made a key; nothing changes a key without it. */
  readonly ownership: KeyOwnership;
  /** Reports what disagrees with the deployer's policy and was not obeyed. */
  readonly policyAudit: PolicyAudit;
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
    regions: new KeyRegions(clients.apiGatewayIn),
    usage: new UsageCounters(clients.apiGateway),
    ownership: new KeyOwnership(clients.kms, env.ownershipKeyId, env.service),
    policyAudit: new PolicyAudit(),
    now: overrides.now ?? (() => new Date()),
    httpGet: overrides.httpGet ?? ((url, init) => fetch(url, init)),
  };
}
