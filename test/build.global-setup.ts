/**
 * jest globalSetup (whole run): builds the library and the Lambda bundle once, before any tier
 * runs, so tiers running in parallel never rebuild dist/ under each other.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

export default function buildOnce(): void {
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
  });
}
