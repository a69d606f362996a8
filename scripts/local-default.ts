/**
 * `npm start`: the main job on the local default. Starts the local AWS (moto), deploys every
 * stack of the platform app (an environment, or a shard of one) with `cdktf deploy` (turning
 * rotation on runs each consumer's first rotation through the real Lambda), rotates every
 * consumer once more, runs a sweep, and prints a status table per stack. Safe to run again: it reuses the running
 * emulator and the deployed stacks.
 *
 * When stdout is not a terminal (CI, a log file), cdktf runs in its CI mode and its output
 * is passed on without terminal escape codes, so the log reads as plain lines.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { configPath, loadConfig } from '../app/config';
import { appShards } from '../app/shards';
import { formatCounts } from '../cli/commands/sweep';
import { rotationFunctionName, sweepToCompletion } from '../cli/rotation-function';
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
  // One stack per environment, or per shard of a sharded one; cdktf deploys them in parallel.
  const stacks = appShards(loadConfig(configPath(ROOT))).map((shard) => shard.stackId);

  step(`cdktf deploy ${stacks.join(', ')} -> ${aws.endpoint}`);
  cdktfDeploy(stacks, env);

  const clients: StatusClients = {
    secretsManager: new SecretsManagerClient({}),
    apiGateway: new APIGatewayClient({}),
  };
  const lambda = new LambdaClient({});
  let failed = false;
  for (const stack of stacks) {
    const service = defaultServiceName(stack);
    const consumers = await readStatus(clients, service);
    step(`${stack}: rotating ${consumers.length} consumers once more`);
    for (const consumer of consumers) {
      const rotated = await rotate(clients.secretsManager, consumer);
      console.log(
        `  ${consumer.consumer}: ${rotated ? 'rotated' : 'FAILED (see .keyplane/local-aws/logs)'}`
      );
      failed ||= !rotated;
    }

    step(`${stack}: sweeping`);
    const { counts } = await sweepToCompletion(lambda, rotationFunctionName(service));
    console.log(formatCounts(service, counts));

    step(`${stack}: status`);
    const statuses = await readStatus(clients, service);
    console.log(formatStatusTable(statuses));
    failed ||= statuses.some((s) => !s.current);
  }
  step(failed ? 'done, with failures' : 'done');
  console.log(
    [
      'The local AWS keeps running. Against it (--local: the emulator recorded in this folder):',
      '  npx keyplane status --local',
      '  npx keyplane sweep --dry-run --local',
      'Stop it with: npx keyplane local stop',
    ].join('\n')
  );
  if (failed) process.exitCode = 1;
}

/**
 * Runs `cdktf deploy` of the stacks, all at once (cdktf's default parallelism). On a terminal its live progress is shown as is;
 * otherwise cdktf runs in CI mode (no redrawn frames) and escape codes are stripped.
 */
function cdktfDeploy(stacks: string[], env: NodeJS.ProcessEnv): void {
  const terminal = process.stdout.isTTY === true;
  const deploy = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'cdktf'),
    ['deploy', ...stacks, '--auto-approve', ...cdktfMirrorFlags()],
    {
      cwd: ROOT,
      env: terminal ? env : { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: terminal ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }
  );
  if (!terminal) {
    process.stdout.write(plainText(deploy.stdout));
    process.stderr.write(plainText(deploy.stderr));
  }
  if (deploy.status !== 0)
    throw new Error(`cdktf deploy failed (exit ${deploy.status}); its output is above`);
}

/** Text without escape codes, each carriage-return redraw reduced to its last frame. */
function plainText(text: string | null): string {
  return stripVTControlCharacters(text ?? '')
    .split('\n')
    .map((line) => line.split('\r').filter(Boolean).at(-1) ?? '')
    .join('\n');
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
