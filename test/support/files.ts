import * as fs from 'fs';
import * as path from 'path';

/**
 * Every file under `dir` (none when it does not exist), without following symbolic links:
 * Terraform links the provider's 700 MB folder into .terraform/, and Node 22's recursive
 * readdir would descend into it.
 */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}
