import { cli } from './fixture';

describe('keyplane local', () => {
  test('env exits 1 when no local AWS runs for the folder, saying how to start one', async () => {
    const run = await cli('local env');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^keyplane: no local AWS is running for \/.+; start it with "npx keyplane local start"$/
    );
  });

  test('stop says when nothing was running, and exits 0', async () => {
    expect(await cli('local stop')).toEqual({
      code: 0,
      stdout: 'local AWS was not running',
      stderr: '',
    });
    expect((await cli('local stop --json')).stdout).toBe('{\n  "stopped": false\n}');
  });

  test('opens no AWS session: no target line, even with --aws', async () => {
    expect((await cli('--aws local stop')).stderr).toBe('');
  });
});
