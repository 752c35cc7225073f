// Generates the protobuf codec from proto/hopwatch.proto (the single source of truth):
// proto/generated/hopwatch.js (static encoder/decoder) and hopwatch.d.ts (its types).
// The build copies the JavaScript next to the compiled code in dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cli = dirname(require.resolve('protobufjs-cli/package.json'));
const out = join(root, 'proto', 'generated');
mkdirSync(out, { recursive: true });

const js = join(out, 'hopwatch.js');
execFileSync(process.execPath, [
  join(cli, 'bin', 'pbjs'), '-t', 'static-module', '-w', 'es6',
  '--no-create', '--no-verify', '--no-convert', '--no-delimited', '--no-typeurl', '--no-service',
  '-o', js, join(root, 'proto', 'hopwatch.proto'),
], { stdio: 'inherit' });
execFileSync(process.execPath, [join(cli, 'bin', 'pbts'), '-o', join(out, 'hopwatch.d.ts'), js], { stdio: 'inherit' });

const dist = join(root, 'dist', 'proto', 'generated');
mkdirSync(dist, { recursive: true });
copyFileSync(js, join(dist, 'hopwatch.js'));
