// Files shipped with hopwatch (the default catalogue, dashboard assets) are found from the
// package root, which is the same whether the code runs compiled (dist/) or from source.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'proto', 'hopwatch.proto'))) return dir;
    if (dirname(dir) === dir) throw new Error(`hopwatch package root not found above ${start}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function packageFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
