import { App } from 'cdktf';
import type { KeyplaneConfig } from './config';
import { withoutCreationStacks } from './creation-stacks';
import { PlatformStack } from './platform-stack';
import { appShards, type Shard } from './shards';

/** Where and how {@link synthPlatformApp} writes the app. */
export interface PlatformAppOptions {
  /**
   * The folder the synthesized stacks are written to.
   * @default - cdktf's: CDKTF_OUTDIR, set by `cdktf synth`
   */
  readonly outdir?: string;
  /**
   * The emulator every AWS service endpoint points at (see PlatformStackProps.awsEndpoint).
   * @default - real AWS
   */
  readonly awsEndpoint?: string;
}

/** Synthesizes one stack per shard of every environment; returns the shards. */
export function synthPlatformApp(
  config: KeyplaneConfig,
  options: PlatformAppOptions = {}
): Shard[] {
  const shards = appShards(config);
  withoutCreationStacks(() => {
    const app = new App(options.outdir ? { outdir: options.outdir } : {});
    for (const shard of shards) {
      new PlatformStack(app, shard.stackId, {
        config: config.environments[shard.environment],
        shard,
        awsEndpoint: options.awsEndpoint,
      });
    }
    app.synth();
  });
  return shards;
}
