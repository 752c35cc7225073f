// `npm run soak [-- --only a,b] [--scale 0.1] [--out file]`: the standing fault suite. Writes
// the counts to bench/results/soak.json (or --out) and exits 1 when any scenario lost or
// doubled a journey or found another problem.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { packageFile } from '../../common/paths.js';
import { runSoak } from './runner.js';
import { soakScenarios } from './scenarios.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    scale: { type: 'string', default: '1' },
    out: { type: 'string', default: packageFile('bench', 'results', 'soak.json') },
  },
});

const scale = Number(values.scale);
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale ${JSON.stringify(values.scale)} must be a number in (0, 1]`);
const names = values.only?.split(',').map((n) => n.trim()) ?? [];
const unknown = names.filter((n) => !soakScenarios.some((s) => s.name === n));
if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: no such scenario (there are ${soakScenarios.map((s) => s.name).join(', ')})`);
const chosen = names.length > 0 ? soakScenarios.filter((s) => names.includes(s.name)) : soakScenarios;

const run = await runSoak(chosen, scale, (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`));
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(run, null, 2)}\n`);
process.stdout.write(`soak ${run.passed ? 'passed' : 'FAILED'} in ${run.seconds} s; counts in ${values.out}\n`);
process.exit(run.passed ? 0 : 1);
