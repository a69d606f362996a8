import type { ApiKey } from '@aws-sdk/client-api-gateway';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ListSecretVersionIdsCommand } from '@aws-sdk/client-secrets-manager';
import {
  cli,
  FUNCTION_ARN,
  healthyWorld,
  key,
  lambda,
  PLANS,
  resetMocks,
  secret,
  secretsManager,
  SERVICE,
  world,
} from './fixture';

beforeEach(resetMocks);

/** A key someone else tagged as the service's: the tags without the function's proof. */
function withoutProof(made: ApiKey): ApiKey {
  const { 'keyplane:proof': _proof, ...tags } = made.tags ?? {};
  return { ...made, tags };
}

describe('keyplane doctor', () => {
  test('exits 0 on a clean deployment', async () => {
    healthyWorld();
    const run = await cli('doctor');
    expect(run).toMatchObject({
      code: 0,
      stdout: `doctor: no drift in 2 consumer(s) of ${SERVICE}`,
    });
  });

  test('names an orphan key, a key in the wrong plans, a stuck pending version and a keyless secret (exit 1)', async () => {
    world(
      [
        secret('acme'),
        secret('globex', {
          stages: { 'globex-v2': ['AWSCURRENT'], 'globex-v3': ['AWSPENDING'] },
        }),
        secret('initech', { stages: { boot: ['keyplane-bootstrap', 'AWSCURRENT'] } }),
      ],
      [
        key('key-acme-2', 'acme', 'acme-v2'),
        key('key-globex-2', 'globex', 'globex-v2'),
        key('key-gone-1', 'umbrella', 'umbrella-v1'),
        // Tagged as the service's by someone else: no proof, so never touched by keyplane.
        withoutProof(key('key-planted', 'acme', 'acme-v9')),
        // The sweep already retired this orphan; it waits for deletion: not a finding.
        key('key-gone-0', 'umbrella', 'umbrella-v0', {
          enabled: false,
          tags: { 'keyplane:delete-after': '2026-06-20T00:00:00Z' },
        }),
      ],
      { [PLANS.gold]: ['key-globex-2', 'key-gone-1'], [PLANS.free]: ['key-acme-2'] }
    );
    secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [{ VersionId: 'globex-v3', CreatedDate: new Date('2026-06-15T10:00:00Z') }],
    });

    const run = await cli('doctor --json');

    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ clean: false, services: [SERVICE], consumers: 3 });
    expect(
      report.findings.map((f: { kind: string; keyId?: string; consumer?: string }) => [
        f.kind,
        f.keyId ?? f.consumer,
      ])
    ).toEqual([
      ['orphan-key', 'key-gone-1'],
      ['unproven-key', 'key-planted'],
      ['wrong-plans', 'key-acme-2'],
      ['pending-stuck', 'globex'],
      ['no-key-yet', 'initech'],
    ]);
    expect(report.findings[1].message).toMatch(
      /key key-planted \(enabled\) carries .* tags but no ownership proof: keyplane did not make it and will never change or delete it/
    );
    expect(report.findings[2].message).toBe(
      `acme: current key key-acme-2 is missing from plan(s) ${SERVICE}-gold and is in undeclared plan(s) ${SERVICE}-free; the next sweep reconciles it`
    );
  });

  test('a pending version younger than --stuck-after is a rotation in progress, not a finding', async () => {
    world(
      [secret('acme', { stages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': ['AWSPENDING'] } })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      { [PLANS.gold]: ['key-acme-2'] }
    );
    secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [{ VersionId: 'acme-v3', CreatedDate: new Date('2026-06-15T11:30:00Z') }],
    });
    expect((await cli('doctor')).code).toBe(0);
    const strict = await cli('doctor --stuck-after 10');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /\[pending-stuck\] keyplane-prod: acme: AWSPENDING stuck on version acme-v3/
    );
  });

  test('names a consumer whose scheduled rotation is overdue by more than the two-day margin', async () => {
    world(
      [secret('acme', { nextRotation: new Date('2026-06-13T00:00:00Z') })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      {
        [PLANS.gold]: ['key-acme-2'],
      }
    );
    const run = await cli('doctor');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[rotation-failed\] keyplane-prod: acme: the rotation due 2026-06-13T00:00:00.000Z has not happened/
    );
  });

  test("judges overdue by the margin the service was deployed with (its function's environment)", async () => {
    world(
      [secret('acme', { nextRotation: new Date('2026-06-15T00:00:00Z') })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      { [PLANS.gold]: ['key-acme-2'] }
    );
    expect((await cli('doctor')).code).toBe(0);
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: FUNCTION_ARN }).resolves({
      Environment: { Variables: { KEYPLANE_OVERDUE_MARGIN_SECONDS: String(6 * 3600) } },
    });
    const run = await cli('doctor');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[rotation-failed\] keyplane-prod: acme: the rotation due 2026-06-15T00:00:00.000Z has not happened/
    );
  });

  test('names a current key that is missing or disabled', async () => {
    world(
      [secret('acme'), secret('globex')],
      [key('key-globex-2', 'globex', 'globex-v2', { enabled: false })],
      { [PLANS.gold]: ['key-globex-2'] }
    );
    const { stdout } = await cli('doctor');
    expect(stdout).toMatch(
      /\[current-key-broken\] keyplane-prod: acme: the key made for AWSCURRENT \(version acme-v2\) is missing/
    );
    expect(stdout).toMatch(
      /\[wrong-plans\] keyplane-prod: disabled key key-globex-2 is still in plan\(s\) keyplane-prod-gold/
    );
    expect(stdout).toMatch(
      /\[current-key-broken\] keyplane-prod: globex: the current key key-globex-2 is disabled/
    );
  });
});
