// `npm run bench:fidelity`: runs the fidelity benchmark at full size, prints its table and
// writes bench/results/fidelity.json. Flags: --seed N, --minutes N (virtual minutes of
// traffic), --rps N (requests per second).
import { parseArgs } from 'node:util';
import { packageFile } from '../common/paths.js';
import { runFidelityBenchmark } from './fidelity.js';
import { formatFidelityTable } from './fidelity-report.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, minutes: { type: 'string' }, rps: { type: 'string' } } });
const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} ${JSON.stringify(text)} must be a positive number`);
  return n;
};

const outFile = packageFile('bench', 'results', 'fidelity.json');
const report = await runFidelityBenchmark({
  seed: number('seed', values.seed),
  virtualMinutes: number('minutes', values.minutes),
  requestsPerSecond: number('rps', values.rps),
  log: (line) => process.stderr.write(`${line}\n`),
  outFile,
});
process.stdout.write(formatFidelityTable(report));
process.stdout.write(`\nwritten: ${outFile}\n`);
