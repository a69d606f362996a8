/**
 * Sharding: an environment's consumers spread over `shards` stacks, each a full rotation
 * service of its own (function, role, KMS key, alarms, and its own copy of the environment's
 * usage plans, since a usage plan takes the keys of one service only).
 *
 * A consumer's shard is a hash of its name modulo the environment's shard count. The count is
 * recorded in the config, not derived from the number of consumers: synth keeps no state, so a
 * count that grew with the consumers would move existing consumers to another stack (and
 * another Terraform state) as new ones arrive. With a fixed count, adding or removing a
 * consumer never moves another one. When a shard outgrows {@link MAX_CONSUMERS_PER_SHARD}, synth
 * stops and names the count to set; changing the count is a migration (consumers move).
 */
import { createHash } from 'crypto';
import { defaultServiceName } from '../constructs/rotation-service-settings';
import { ConfigError, type EnvironmentConfig, type KeyplaneConfig } from './config';

/**
 * Consumers one shard may hold: `terraform plan` of a shard then stays within that of 1,000
 * consumers in one stack, and its sweep within one invocation.
 */
export const MAX_CONSUMERS_PER_SHARD = 1_000;

/** The share of {@link MAX_CONSUMERS_PER_SHARD} a suggested shard count fills on average. */
const SUGGESTED_FILL = 0.75;

/** One stack of an environment: its consumers and where it sits among the shards. */
export interface Shard {
  /** The environment the shard belongs to. */
  readonly environment: string;
  /** 0-based index of the shard. */
  readonly index: number;
  /** Number of shards of the environment. */
  readonly count: number;
  /** The stack's id: the environment's name when it has one shard, else `<env>-shard-<index>`. */
  readonly stackId: string;
  /** Names of the consumers the shard holds, in config order. */
  readonly consumers: readonly string[];
}

/** The shard (0-based) of a consumer among `count`: the first 32 bits of SHA-256 of its name. */
export function shardOf(consumer: string, count: number): number {
  return createHash('sha256').update(consumer).digest().readUInt32BE(0) % count;
}

/** The stack id of shard `index` of `count`. */
export function shardStackId(environment: string, index: number, count: number): string {
  return count === 1 ? environment : `${environment}-shard-${index}`;
}

/** The shards of one environment; a shard over {@link MAX_CONSUMERS_PER_SHARD} is an error. */
export function environmentShards(environment: string, config: EnvironmentConfig): Shard[] {
  const count = config.shards ?? 1;
  const members: string[][] = Array.from({ length: count }, () => []);
  for (const consumer of Object.keys(config.consumers)) {
    members[shardOf(consumer, count)].push(consumer);
  }
  const total = Object.keys(config.consumers).length;
  members.forEach((consumers, index) => {
    if (consumers.length <= MAX_CONSUMERS_PER_SHARD) return;
    const suggested = Math.ceil(total / (MAX_CONSUMERS_PER_SHARD * SUGGESTED_FILL));
    throw new ConfigError(
      `environments.${environment}.shards: shard ${index} of ${count} would hold ${consumers.length} of the ${total} consumers, over the ${MAX_CONSUMERS_PER_SHARD} a shard may hold; set shards to ${suggested} (changing shards moves consumers between stacks and states: see README.md, "Many consumers: shards")`
    );
  });
  return members.map((consumers, index) => ({
    environment,
    index,
    count,
    stackId: shardStackId(environment, index, count),
    consumers,
  }));
}

/**
 * Every shard of every environment. Two stacks with the same id are an error, and so is a
 * sharded environment whose name is too long for its shards' service names (`keyplane-<stack>`,
 * cut at 40 characters) to differ.
 */
export function appShards(config: KeyplaneConfig): Shard[] {
  const shards = Object.entries(config.environments).flatMap(([environment, env]) =>
    environmentShards(environment, env)
  );
  const seen = new Map<string, Shard>();
  for (const shard of shards) {
    const service = defaultServiceName(shard.stackId);
    if (shard.count > 1 && service !== `keyplane-${shard.stackId}`) {
      throw new ConfigError(
        `environments.${shard.environment}: the name is too long to shard: the service name of stack ${shard.stackId} would be cut to ${JSON.stringify(service)}, the same for every shard; use a shorter environment name`
      );
    }
    const other = seen.get(shard.stackId);
    if (other) {
      throw new ConfigError(
        `environments.${shard.environment}: its stack ${shard.stackId} has the name of a stack of environment ${other.environment}; rename one of the environments`
      );
    }
    seen.set(shard.stackId, shard);
  }
  return shards;
}

/**
 * A state file path or S3 key made distinct per shard: `.shard-<index>` before a `.tfstate`
 * ending (or at the end); unchanged for an environment of one shard.
 */
export function shardStateKey(key: string, shard: Pick<Shard, 'index' | 'count'>): string {
  if (shard.count === 1) return key;
  const suffix = `.shard-${shard.index}`;
  return key.endsWith('.tfstate')
    ? `${key.slice(0, -'.tfstate'.length)}${suffix}.tfstate`
    : `${key}${suffix}`;
}
