import * as fs from 'fs';
import * as path from 'path';
import { KeyplaneValidationError } from './errors';

/**
 * The folder holding a prebuilt Lambda bundle (index.js and its source map).
 *
 * Bundles are built by `npm run build:lambda` into dist/lambda-bundles/ and shipped inside the
 * npm package, so importers need no bundler. From the compiled package this file sits in
 * dist/constructs/; from the source tree (tests, the platform app) it sits in constructs/.
 */
export function lambdaBundleDir(name: string): string {
  const candidates = [
    path.join(__dirname, '..', 'lambda-bundles', name),
    path.join(__dirname, '..', 'dist', 'lambda-bundles', name),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.js')));
  if (!found) {
    throw new KeyplaneValidationError(
      `keyplane: the ${name} Lambda bundle is missing (looked in ${candidates.join(', ')}); run "npm run build:lambda"`
    );
  }
  return found;
}
