import { execFileSync } from 'child_process';
import { terraformEnv } from '../../scripts/terraform-mirror';

/** What `terraform validate -json` reports. */
export interface ValidateResult {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: { severity: string; summary: string; detail?: string }[];
}

/** `terraform init` (provider from the mirror where there is one) and `validate` on a stack dir. */
export function terraformValidate(stackDir: string): ValidateResult {
  const env = terraformEnv();
  execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
    cwd: stackDir,
    env,
    stdio: 'pipe',
  });
  try {
    return JSON.parse(
      execFileSync('terraform', ['validate', '-json', '-no-color'], {
        cwd: stackDir,
        env,
        stdio: 'pipe',
      }).toString()
    );
  } catch (error) {
    const stdout = (error as { stdout?: Buffer }).stdout?.toString();
    if (stdout) return JSON.parse(stdout);
    throw error;
  }
}
