/**
 * The emulator's non-TypeScript files (moto launcher and patches, the Node runtime shim, the
 * pinned requirements): shipped as they are in local/emulator/, next to the sources in a
 * checkout and two folders up from the compiled dist/local/ in the package.
 */
import * as fs from 'fs';
import * as path from 'path';

const EMULATOR_DIRS = [
  path.join(__dirname, 'emulator'),
  path.join(__dirname, '..', '..', 'local', 'emulator'),
];

/** The path of `file` in local/emulator/. */
export function emulatorAsset(file: string): string {
  const dir = EMULATOR_DIRS.find((candidate) => fs.existsSync(path.join(candidate, file)));
  if (dir === undefined)
    throw new Error(`keyplane: ${file} is missing (looked in ${EMULATOR_DIRS.join(', ')})`);
  return path.join(dir, file);
}
