/** startLocalAws() shares one server per checkout, and says clearly when it cannot. */
import * as fs from 'fs';
import { STATE_FILE, runningLocalAws, startLocalAws } from '../../scripts/local-aws';

const external = process.env.KEYPLANE_AWS_ENDPOINT;

afterEach(() => {
  if (external === undefined) delete process.env.KEYPLANE_AWS_ENDPOINT;
  else process.env.KEYPLANE_AWS_ENDPOINT = external;
});

test('a second caller reuses the running server; only the one that started it stops it', async () => {
  delete process.env.KEYPLANE_AWS_ENDPOINT;
  const first = await startLocalAws();
  try {
    const second = await startLocalAws();
    expect(second.endpoint).toBe(first.endpoint);
    expect(second.started).toBe(false);
    await second.stop(); // not its server: a no-op
    const running = await runningLocalAws();
    expect(running?.endpoint).toBe(first.endpoint);
    expect(JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'))).toMatchObject({
      endpoint: first.endpoint,
      pid: running?.pid,
      port: Number(new URL(first.endpoint).port),
    });
  } finally {
    await first.stop();
  }
  // Stopped if this test started it; left running if someone else (globalSetup) had.
  expect((await runningLocalAws())?.endpoint).toBe(first.started ? undefined : first.endpoint);
}, 600_000);

test('KEYPLANE_AWS_ENDPOINT is used instead of starting moto, and must answer', async () => {
  process.env.KEYPLANE_AWS_ENDPOINT = 'http://127.0.0.1:9/'; // discard port: nothing listens
  await expect(startLocalAws()).rejects.toThrow(
    'KEYPLANE_AWS_ENDPOINT=http://127.0.0.1:9/ does not answer'
  );
});
