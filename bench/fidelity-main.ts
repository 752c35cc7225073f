// `npm run bench:fidelity`: runs the fidelity benchmark under each named condition
// (bench/fidelity-conditions.ts) with several seeds, prints one verdict row per run and
// the full table of the first run, and writes bench/results/fidelity.json (the first run)
// and bench/results/fidelity-conditions.json (every run's verdict).
// Flags: --condition NAME (repeatable; default: all), --seed N (repeatable; default 1; all nine conditions take about ten minutes a seed on two cores),
// --minutes N (virtual minutes of traffic), --rps N (requests per second), both overriding
// the condition's own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { packageFile } from '../common/paths.js';
import type { ConditionVerdict } from './fidelity-conditions.js';
import { conditionNamed, fidelityConditions, formatVerdicts, verdictOf } from './fidelity-conditions.js';
import { runFidelityBenchmark } from './fidelity.js';
import { formatFidelityTable } from './fidelity-report.js';

const { values } = parseArgs({
  options: {
    condition: { type: 'string', multiple: true }, seed: { type: 'string', multiple: true },
    minutes: { type: 'string' }, rps: { type: 'string' },
  },
});
const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} ${JSON.stringify(text)} must be a positive number`);
  return n;
};

const conditions = values.condition?.map(conditionNamed) ?? fidelityConditions;
const seeds = values.seed?.map((s) => number('seed', s)!) ?? [1];
const log = (line: string) => process.stderr.write(`${line}\n`);
const outFile = packageFile('bench', 'results', 'fidelity.json');
const verdicts: ConditionVerdict[] = [];
for (const condition of conditions) {
  for (const seed of seeds) {
    log(`fidelity: condition ${condition.name} (${condition.description}), seed ${seed}`);
    const report = await runFidelityBenchmark({
      seed,
      virtualMinutes: number('minutes', values.minutes) ?? condition.virtualMinutes,
      requestsPerSecond: number('rps', values.rps) ?? condition.requestsPerSecond,
      conditions: condition.conditions,
      log,
      ...(verdicts.length === 0 ? { outFile } : {}),
    });
    if (verdicts.length === 0) process.stdout.write(`${formatFidelityTable(report)}\n`);
    verdicts.push(verdictOf(condition.name, report));
    log(formatVerdicts(verdicts.slice(-1)));
  }
}
process.stdout.write(formatVerdicts(verdicts));
const verdictFile = packageFile('bench', 'results', 'fidelity-conditions.json');
mkdirSync(dirname(verdictFile), { recursive: true });
writeFileSync(verdictFile, `${JSON.stringify({ benchmark: 'fidelity-conditions', conditions: conditions.map(({ name, description }) => ({ name, description })), runs: verdicts }, null, 2)}\n`);
process.stdout.write(`\nwritten: ${outFile}, ${verdictFile}\n`);
