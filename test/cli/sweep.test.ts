import * as fs from 'fs';
import * as path from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { arnOf, cli, healthyWorld, lambda, resetMocks, SERVICE, TARGET_NOTICE } from './fixture';

beforeEach(resetMocks);

/** A Lambda answer as the SDK hands it over: bytes that can also be read as a string. */
const payload = (value: object) => {
  const json = JSON.stringify(value);
  return Object.assign(Buffer.from(json), { transformToString: () => json });
};

const COUNTS = { keysExamined: 2, retired: 0, deleted: 0, healed: 0, failures: 0 };
const sentEvents = () =>
  lambda.commandCalls(InvokeCommand).map((call) => JSON.parse(String(call.args[0].input.Payload)));

describe('keyplane sweep', () => {
  test("invokes the service's rotation function with the sweep event and prints the counts that moved", async () => {
    healthyWorld();
    lambda.on(InvokeCommand).resolves({
      Payload: payload({ complete: true, counts: { ...COUNTS, retired: 1 } }),
    });
    const run = await cli('sweep');
    expect(run.code).toBe(0);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: `${SERVICE}-rotation`,
    });
    expect(sentEvents()).toEqual([{ action: 'sweep' }]);
    expect(run.stdout).toBe(
      [`${SERVICE}: sweep done`, 'COUNT         VALUE', 'keysExamined  2', 'retired       1'].join(
        '\n'
      )
    );
    expect(run.stderr).toBe(`${TARGET_NOTICE}\nsweeping ${SERVICE} through ${SERVICE}-rotation...`);
  });

  test('--dry-run sends dryRun, follows the cursor and lists every planned change', async () => {
    healthyWorld();
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        Payload: payload({
          complete: false,
          cursor: 'c1',
          counts: COUNTS,
          planned: [
            { action: 'retire', keyId: 'key-acme-1', secretArn: arnOf('acme'), detail: 'expired' },
          ],
        }),
      })
      .resolvesOnce({
        Payload: payload({
          complete: true,
          counts: COUNTS,
          planned: [{ action: 'delete', keyId: 'key-globex-0', secretArn: arnOf('globex') }],
        }),
      });
    const run = await cli('sweep --dry-run --json');
    expect(run.code).toBe(0);
    expect(sentEvents()).toEqual([
      { action: 'sweep', dryRun: true },
      { action: 'sweep', dryRun: true, cursor: 'c1' },
    ]);
    expect(JSON.parse(run.stdout)).toEqual({
      dryRun: true,
      services: [
        {
          service: SERVICE,
          functionName: `${SERVICE}-rotation`,
          counts: { ...COUNTS, keysExamined: 4 },
          planned: [
            { action: 'retire', keyId: 'key-acme-1', secretArn: arnOf('acme'), detail: 'expired' },
            { action: 'delete', keyId: 'key-globex-0', secretArn: arnOf('globex') },
          ],
        },
      ],
    });
  });

  test('--dry-run in text names each change and says nothing was changed', async () => {
    healthyWorld();
    lambda.on(InvokeCommand).resolves({
      Payload: payload({
        complete: true,
        counts: COUNTS,
        planned: [{ action: 'heal', keyId: 'key-acme-2', secretArn: arnOf('acme') }],
      }),
    });
    const run = await cli('sweep --dry-run');
    expect(run.stdout.split('\n')).toEqual([
      `${SERVICE}: the sweep would make 1 change(s); nothing was changed`,
      expect.stringMatching(/^ACTION\s+KEY\s+SECRET\s+DETAIL$/),
      expect.stringMatching(new RegExp(`^heal\\s+key-acme-2\\s+${arnOf('acme')}`)),
    ]);
  });

  test('exits 1 when the sweep reports failures', async () => {
    healthyWorld();
    lambda.on(InvokeCommand).resolves({
      Payload: payload({ complete: true, counts: { ...COUNTS, failures: 2 } }),
    });
    const run = await cli('sweep');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the sweep reported 2 failure\(s\); read the function's log/);
  });

  test('exits 3 for an unknown --service and invokes nothing', async () => {
    healthyWorld();
    const run = await cli('sweep --service keyplane-nope');
    expect(run.code).toBe(3);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });
});

describe('keyplane --version', () => {
  test("prints the package's version and exits 0", async () => {
    const run = await cli('--version');
    const { version } = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')
    );
    expect(run).toEqual({ code: 0, stdout: version, stderr: '' });
  });
});
