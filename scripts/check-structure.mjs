// Reads dependency-cruiser's JSON result on stdin (see .dependency-cruiser.cjs) and fails when a rule
// is broken. dependency-cruiser names a folder cycle once per edge and without the imports behind
// it; this prints each cycle once, with one import that makes each of its edges, so the fix is clear.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

const input = readFileSync(0, 'utf8');
if (input.trim() === '') {
  console.error('structure: dependency-cruiser gave no result (its error is above)');
  process.exit(1);
}
const result = JSON.parse(input);
const folderRules = new Set(
  (result.summary.ruleSetUsed?.forbidden ?? []).filter((rule) => rule.scope === 'folder').map((rule) => rule.name),
);
const errors = result.summary.violations.filter((v) => v.rule.severity === 'error');
const cycles = uniqueCycles(errors.filter((v) => folderRules.has(v.rule.name)));
const others = errors.filter((v) => !folderRules.has(v.rule.name));

for (const cycle of cycles) {
  console.error(`folder cycle: ${cycle.join(' -> ')}`);
  for (let i = 0; i < cycle.length - 1; i += 1) {
    const example = exampleImport(cycle[i], cycle[i + 1]);
    console.error(`  ${cycle[i]} -> ${cycle[i + 1]}: ${example ? `${example.from} imports ${example.to}` : '(no import found)'}`);
  }
}
for (const v of others) console.error(`${v.rule.name}: ${v.from} imports ${v.to}`);

const total = cycles.length + others.length;
if (total > 0) {
  console.error(`\nstructure: ${cycles.length} folder cycle(s), ${others.length} other violation(s); the rules and why are in .dependency-cruiser.cjs`);
  process.exitCode = 1;
} else {
  console.log(`structure: ok (${result.summary.totalCruised} modules, ${result.summary.totalDependenciesCruised} imports)`);
}

/** Each cycle once, as a closed path (first folder repeated at the end), starting at its smallest name. */
function uniqueCycles(violations) {
  const byKey = new Map();
  for (const v of violations) {
    const path = [v.from, ...v.cycle.map((step) => step.name)];
    if (path.at(-1) === path[0]) path.pop();
    const start = path.indexOf([...path].sort()[0]);
    const rotated = [...path.slice(start), ...path.slice(0, start)];
    byKey.set(rotated.join(' '), [...rotated, rotated[0]]);
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key));
}

/**
 * An import behind the folder edge `from -> to`, as dependency-cruiser counts one: a module in `from`
 * or below imports a module directly in `to` that lies outside `from`.
 */
function exampleImport(from, to) {
  const inside = (path, folder) => path.startsWith(`${folder}/`);
  for (const module of [...result.modules].sort((a, b) => a.source.localeCompare(b.source))) {
    if (!inside(module.source, from)) continue;
    const dependency = module.dependencies.find(
      (d) => posix.dirname(d.resolved) === to && !inside(d.resolved, from),
    );
    if (dependency) return { from: module.source, to: dependency.resolved };
  }
  return undefined;
}
