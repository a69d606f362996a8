import * as fs from 'fs';
import * as path from 'path';
import { KeyplaneValidationError } from './errors';

/**
 * Bundles are built by `npm run build:lambda` into dist/lambda-bundles/ and shipped inside the
 * npm package, so importers need no bundler. From the compiled package this file sits in
 * dist/constructs/ (dist/cdktn/constructs/ in the CDK Terrain flavour); from the source tree
 * (tests, the platform app) it sits in constructs/.
 */
function findBuilt(name: string, file: (dir: string) => string): string {
  const candidates = [
    path.join(__dirname, '..', 'lambda-bundles'),
    path.join(__dirname, '..', '..', 'lambda-bundles'),
    path.join(__dirname, '..', 'dist', 'lambda-bundles'),
  ].map(file);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new KeyplaneValidationError(
      `keyplane: the ${name} Lambda bundle is missing (looked for ${candidates.join(', ')}); run "npm run build:lambda"`
    );
  }
  return found;
}

/** The folder holding a prebuilt Lambda bundle (index.js and its source map). */
export function lambdaBundleDir(name: string): string {
  return path.dirname(findBuilt(name, (dir) => path.join(dir, name, 'index.js')));
}

/** The prebuilt bundle zipped as Lambda deploys it (the folder's files, fixed entry times). */
export function lambdaBundleZip(name: string): string {
  return findBuilt(name, (dir) => path.join(dir, `${name}.zip`));
}
