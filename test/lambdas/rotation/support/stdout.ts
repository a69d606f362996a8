/**
 * Captures what the code writes to stdout (JSON logs and EMF metrics lines), for assertions
 * such as "no key value was written".
 */

export interface CapturedStdout {
  lines(): string[];
  text(): string;
  restore(): void;
}

export function captureStdout(): CapturedStdout {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  });
  const text = (): string => chunks.join('');
  return {
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== ''),
    restore: () => spy.mockRestore(),
  };
}

/** The parsed JSON log lines, EMF metrics lines left out. */
export function logLines(captured: CapturedStdout): Record<string, unknown>[] {
  return captured
    .lines()
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => !('_aws' in line));
}

/** The parsed EMF metrics lines. */
export function metricLines(captured: CapturedStdout): Record<string, unknown>[] {
  return captured
    .lines()
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => '_aws' in line);
}
