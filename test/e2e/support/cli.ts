/**
 * The keyplane CLI against the local AWS, run inside the example app's e2e flow
 * (example-app.test.ts) so it shares that deployment instead of paying for its own: every
 * command runs as a child process of the built bin (dist/cli/main.js) with the emulator's
 * environment, and its effects are checked in AWS. --service keeps the view to that stack:
 * other suites deploy to the same emulator. Leaves the deployment as it found it, except for
 * one more rotation of `rotated` and a revoke of `revoked`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import {
  CreateApiKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag } from '../../../contract/tags';
import {
  apiGateway,
  invariantViolations,
  issuedValues,
  secretsManager,
  viewKey,
  viewSecret,
} from './aws';
import { leaks } from './deploy';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI on `service`'s deployment in `cwd`, stdin not a terminal. */
export function runKeyplane(service: string, args: string, cwd: string): Run {
  const run = spawnSync(process.execPath, [BIN, '--service', service, ...args.split(' ')], {
    cwd,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The deployed stack the CLI tests run against. */
export interface CliTestStack {
  /** Rotation service name (keyplane-<environment>). */
  readonly service: string;
  /** Every consumer of the stack. */
  readonly consumers: readonly string[];
  readonly secretId: (consumer: string) => string;
  /** The gold plan's daily/monthly quota limit. */
  readonly goldQuotaLimit: number;
  /** Working folder to run the CLI in (no .keyplane state in it). */
  readonly cwd: string;
}

/**
 * Declares the CLI tests, in order, inside the calling describe block: rotates `acme`
 * once, revokes `globex`, reads `initech`, and leaves no injected drift behind.
 */
export function cliTests(stack: CliTestStack): void {
  const { service, secretId } = stack;
  const consumers = [...stack.consumers].sort();
  /** Output of every CLI run except `get --show`, for the leak scan. */
  const outputs: string[] = [];

  /** Runs the built CLI on this stack's service, stdin not a terminal. */
  function keyplane(args: string, options: { scan?: boolean } = {}): Run {
    const run = runKeyplane(service, args, stack.cwd);
    if (options.scan !== false) outputs.push(`${run.stdout}\n${run.stderr}`);
    return run;
  }
  const json = (run: Run) => JSON.parse(run.stdout);

  test('status after rotations lists every consumer with the key its secret names', async () => {
    const run = keyplane('status --json');
    expect(run.code).toBe(0);
    const listed = json(run).consumers;
    expect(listed.map((c: { consumer: string }) => c.consumer)).toEqual(consumers);
    for (const entry of listed) {
      const secret = await viewSecret(secretId(entry.consumer));
      expect(entry).toMatchObject({
        service: service,
        currentKeyId: secret.currentKeyId,
        currentVersion: secret.currentVersion,
        health: { state: 'ok' },
      });
      expect(entry.retiring.length).toBeGreaterThan(0); // earlier keys, in their grace period
    }
    const table = keyplane('status');
    expect(table.code).toBe(0);
    for (const consumer of consumers)
      expect(table.stdout).toMatch(new RegExp(`^${consumer}\\s`, 'm'));
  });

  test('rotate moves the current key and the invariant holds', async () => {
    const before = await viewSecret(secretId('acme'));
    const run = keyplane('rotate acme');
    expect(run.code).toBe(0);
    const after = await viewSecret(secretId('acme'));
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect(run.stdout).toContain(`key ${before.currentKeyId} -> ${after.currentKeyId}`);
    expect(run.stderr).toMatch(/AWSCURRENT moved to version/);
    expect(await invariantViolations(secretId('acme'))).toEqual([]);
    expect((await viewKey(before.currentKeyId!))?.enabled).toBe(true); // grace
  });

  test('revoke refuses without a terminal, and with --yes disables the outgoing key at once', async () => {
    const before = await viewSecret(secretId('globex'));
    const refused = keyplane('revoke globex');
    expect(refused.code).toBe(2);
    expect((await viewSecret(secretId('globex'))).currentKeyId).toBe(before.currentKeyId);

    const run = keyplane('revoke globex --yes --json');
    expect(run.code).toBe(0);
    const after = await viewSecret(secretId('globex'));
    expect(json(run)).toMatchObject({
      revokedKeyIds: expect.arrayContaining([before.currentKeyId]),
      unprovenKeyIds: [],
      keyId: after.currentKeyId,
    });
    expect((await viewKey(before.currentKeyId!))?.enabled).toBe(false);
    expect(await invariantViolations(secretId('globex'))).toEqual([]);
  });

  test('get prints the key id without the value; get --show prints the AWSCURRENT value', async () => {
    const { currentKeyId } = await viewSecret(secretId('initech'));
    const plain = keyplane('get initech');
    expect({ code: plain.code, stdout: plain.stdout.trim() }).toEqual({
      code: 0,
      stdout: currentKeyId,
    });

    const shown = keyplane('get initech --show', { scan: false });
    const current = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: secretId('initech'), VersionStage: 'AWSCURRENT' })
    );
    const value = JSON.parse(current.SecretString!).value as string;
    issuedValues.add(value);
    expect(shown.code).toBe(0);
    expect(shown.stdout === `${value}\n`).toBe(true); // no diff printed: it is a key value
  });

  test('usage reads GetUsage for each plan of the consumer: the new key shows the carried quota', async () => {
    const { currentKeyId } = await viewSecret(secretId('acme'));
    const run = keyplane('usage acme --days 3 --json');
    expect(run.code).toBe(0);
    const plans = await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }));
    const gold = plans.items!.find((p) => p.name === `${service}-gold`)!;
    const [plan] = json(run).plans;
    expect(plan).toMatchObject({ planId: gold.id, planName: `${service}-gold` });
    const current = plan.keys.find((k: { keyId: string }) => k.keyId === currentKeyId);
    expect(current).toMatchObject({
      current: true,
      used: 0,
      // `rotate acme` above carried the quota: the new key starts with the follower's share.
      remaining: Math.ceil(stack.goldQuotaLimit / 10),
    });
    expect(current.days).toHaveLength(3);
  });

  test('doctor exits 0 on the clean deployment', () => {
    const run = keyplane('doctor --json');
    expect(run.code).toBe(0);
    expect(json(run)).toEqual({
      clean: true,
      services: [service],
      consumers: consumers.length,
      findings: [],
    });
  });

  test("doctor names a key created by hand with the service's tags as unproven (exit 1)", async () => {
    const acme = await viewSecret(secretId('acme'));
    const goneArn = acme.arn.replace('/acme-', '/deleted-');
    const orphan = await apiGateway.send(
      new CreateApiKeyCommand({
        name: 'hand-made-orphan',
        enabled: true,
        tags: {
          [KeyTag.SERVICE]: service,
          [KeyTag.SECRET_ARN]: goneArn,
          [KeyTag.SECRET_VERSION]: 'v-hand-made',
        },
      })
    );
    try {
      const run = keyplane('doctor');
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `[unproven-key] ${service}: key ${orphan.id} (enabled) carries ${service}'s tags but no ownership proof`
      );
      const report = json(keyplane('doctor --json'));
      expect(report.findings).toEqual([
        expect.objectContaining({ kind: 'unproven-key', keyId: orphan.id, secretArn: goneArn }),
      ]);
    } finally {
      await apiGateway.send(new DeleteApiKeyCommand({ apiKey: orphan.id }));
    }
  });

  test('doctor names a stuck AWSPENDING version (exit 1)', async () => {
    const versionId = '00000000-0000-4000-8000-00000000cafe';
    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretId('acme'),
        ClientRequestToken: versionId,
        SecretString: JSON.stringify({ format: 'keyplane/v1', injected: 'by the e2e test' }),
        VersionStages: ['AWSPENDING'],
      })
    );
    try {
      expect(keyplane('doctor').code).toBe(0); // younger than the default hour: in progress
      const run = keyplane('doctor --stuck-after 0 --json');
      expect(run.code).toBe(1);
      expect(json(run).findings).toEqual([
        expect.objectContaining({
          kind: 'pending-stuck',
          consumer: 'acme',
          message: expect.stringContaining(`AWSPENDING stuck on version ${versionId}`),
        }),
      ]);
    } finally {
      await secretsManager.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId('acme'),
          VersionStage: 'AWSPENDING',
          RemoveFromVersionId: versionId,
        })
      );
    }
    const stages = (
      await secretsManager.send(new DescribeSecretCommand({ SecretId: secretId('acme') }))
    ).VersionIdsToStages!;
    expect(stages[versionId] ?? []).not.toContain('AWSPENDING');
  });

  test('no key value is in any CLI output but that of get --show', () => {
    expect(issuedValues.size).toBeGreaterThan(0);
    expect(leaks(issuedValues, [], outputs)).toEqual([]);
  });
}
