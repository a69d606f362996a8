/**
 * The keyplane platform app: one stack per environment of keyplane.config.json (or the file
 * named by KEYPLANE_CONFIG). KEYPLANE_AWS_ENDPOINT points every AWS service at an emulator.
 *
 * A configuration or validation error is printed as its message alone (no Node stack trace)
 * and the process exits 1, so `cdktf synth` shows what to fix.
 */
import { App } from 'cdktf';
import { configPath, loadConfig } from './app/config';
import { PlatformStack } from './app/platform-stack';
import { isUserError } from './app/user-error';

try {
  const config = loadConfig(configPath(__dirname));
  const app = new App();
  for (const [environment, envConfig] of Object.entries(config.environments)) {
    new PlatformStack(app, environment, {
      config: envConfig,
      awsEndpoint: process.env.KEYPLANE_AWS_ENDPOINT || undefined,
    });
  }
  app.synth();
} catch (error) {
  if (!isUserError(error)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
