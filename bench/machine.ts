/** What the figures were measured on: they mean little without it. */
import { execFileSync } from 'child_process';
import * as os from 'os';

export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly terraform: string;
  /** 1-minute load average when the bench started and ended (other work on the machine). */
  readonly loadAverage: { start: number; end?: number };
}

function terraformVersion(): string {
  try {
    const out = execFileSync('terraform', ['version', '-json'], { encoding: 'utf8' });
    return (JSON.parse(out) as { terraform_version: string }).terraform_version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    terraform: terraformVersion(),
    loadAverage: { start: os.loadavg()[0] },
  };
}
