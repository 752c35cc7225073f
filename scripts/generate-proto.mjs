// Generates the protobuf codecs from the .proto files under proto/ (the single source of truth):
// proto/generated/hopwatch.js (static encoder/decoder) and hopwatch.d.ts (its types), and
// proto/generated/otlp.js + otlp.d.ts from the OpenTelemetry protos vendored in proto/opentelemetry
// (the trace export request the collector sends to an OTLP backend).
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
const dist = join(root, 'dist', 'proto', 'generated');
mkdirSync(out, { recursive: true });
mkdirSync(dist, { recursive: true });

function generate(name, sources) {
  const js = join(out, `${name}.js`);
  execFileSync(process.execPath, [
    join(cli, 'bin', 'pbjs'), '-t', 'static-module', '-w', 'es6',
    '--no-create', '--no-verify', '--no-convert', '--no-delimited', '--no-typeurl', '--no-service',
    '-p', join(root, 'proto'), '-o', js, ...sources.map((s) => join(root, 'proto', s)),
  ], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(cli, 'bin', 'pbts'), '-o', join(out, `${name}.d.ts`), js], { stdio: 'inherit' });
  copyFileSync(js, join(dist, `${name}.js`));
}

generate('hopwatch', ['hopwatch.proto']);
generate('otlp', ['opentelemetry/proto/collector/trace/v1/trace_service.proto']);
