/**
 * `npm start`: the main job on the local default. Starts the local AWS (moto), deploys every
 * environment of the platform app with `cdktf deploy` (turning rotation on runs each
 * consumer's first rotation through the real Lambda), rotates every consumer once more, runs a
 * sweep, and prints a status table per environment. Safe to run again: it reuses the running
 * emulator and the deployed stacks.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { configPath, loadConfig } from '../app/config';
import { sweepToCompletion } from '../cli/rotation-function';
import { ConsumerStatus, formatStatusTable, readStatus, StatusClients } from '../cli/status';
import { defaultServiceName } from '../constructs/rotation-service-settings';
import { localAwsEnv, startLocalAws } from './local-aws';
import { cdktfMirrorFlags, terraformEnv } from './terraform-mirror';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const started = Date.now();
  const step = (text: string) =>
    console.log(`\n[${((Date.now() - started) / 1000).toFixed(0)}s] ${text}`);

  step('starting the local AWS (moto); the first run installs it into .keyplane/venv');
  const aws = await startLocalAws();
  const env = { ...terraformEnv(), ...localAwsEnv(aws.endpoint, aws.region) };
  Object.assign(process.env, env);
  const environments = Object.keys(loadConfig(configPath(ROOT)).environments);

  step(`cdktf deploy ${environments.join(', ')} -> ${aws.endpoint}`);
  const deploy = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'cdktf'),
    ['deploy', ...environments, '--auto-approve', ...cdktfMirrorFlags()],
    {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    }
  );
  if (deploy.status !== 0)
    throw new Error(`cdktf deploy failed (exit ${deploy.status}); its output is above`);

  const clients: StatusClients = {
    secretsManager: new SecretsManagerClient({}),
    apiGateway: new APIGatewayClient({}),
  };
  const lambda = new LambdaClient({});
  let failed = false;
  for (const environment of environments) {
    const service = defaultServiceName(environment);
    const consumers = await readStatus(clients, service);
    step(`${environment}: rotating ${consumers.length} consumers once more`);
    for (const consumer of consumers) {
      const rotated = await rotate(clients.secretsManager, consumer);
      console.log(
        `  ${consumer.consumer}: ${rotated ? 'rotated' : 'FAILED (see .keyplane/local-aws/logs)'}`
      );
      failed ||= !rotated;
    }

    step(`${environment}: sweeping`);
    const counts = await sweepToCompletion(lambda, `${service}-rotation`);
    console.log(`  sweep: ${JSON.stringify(counts)}`);

    step(`${environment}: status`);
    const statuses = await readStatus(clients, service);
    console.log(formatStatusTable(statuses));
    failed ||= statuses.some((s) => !s.current);
  }
  step(failed ? 'done, with failures' : 'done');
  if (failed) process.exitCode = 1;
}

/** Rotates one consumer and reports whether AWSCURRENT moved to a new version. */
async function rotate(client: SecretsManagerClient, consumer: ConsumerStatus): Promise<boolean> {
  const currentVersion = async () => {
    const stages =
      (await client.send(new DescribeSecretCommand({ SecretId: consumer.secretArn })))
        .VersionIdsToStages ?? {};
    return Object.keys(stages).find((v) => stages[v].includes('AWSCURRENT'));
  };
  const before = await currentVersion();
  await client.send(
    new RotateSecretCommand({ SecretId: consumer.secretArn, RotateImmediately: true })
  );
  return (await currentVersion()) !== before;
}

main().catch((error: Error) => {
  console.error(`keyplane: ${error.message}`);
  process.exitCode = 1;
});
