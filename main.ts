/**
 * The keyplane platform app: one stack per environment of keyplane.config.json (or the file
 * named by KEYPLANE_CONFIG). KEYPLANE_AWS_ENDPOINT points every AWS service at an emulator.
 */
import { App } from 'cdktf';
import { configPath, loadConfig } from './app/config';
import { PlatformStack } from './app/platform-stack';

const config = loadConfig(configPath(__dirname));
const app = new App();
for (const [environment, envConfig] of Object.entries(config.environments)) {
  new PlatformStack(app, environment, {
    config: envConfig,
    awsEndpoint: process.env.KEYPLANE_AWS_ENDPOINT || undefined,
  });
}
app.synth();
