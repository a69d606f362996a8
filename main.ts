/**
 * The keyplane platform app: one stack per environment of keyplane.config.json (or the file
 * named by KEYPLANE_CONFIG), or one per shard of an environment that sets `shards`
 * (app/shards.ts). KEYPLANE_AWS_ENDPOINT points every AWS service at an emulator.
 *
 * A configuration or validation error is printed as its message alone (no Node stack trace)
 * and the process exits 1, so `cdktf synth` shows what to fix.
 */
import { configPath, loadConfig } from './app/config';
import { synthPlatformApp } from './app/platform-app';
import { isUserError } from './app/user-error';

try {
  synthPlatformApp(loadConfig(configPath(__dirname)), {
    awsEndpoint: process.env.KEYPLANE_AWS_ENDPOINT || undefined,
  });
} catch (error) {
  if (!isUserError(error)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
