// Validates a catalogue: the strict JSON schema first, then what a schema cannot say (every
// source cited exists, every SRV a process or rule names exists, TRT entries run in date
// order, DSP + CSP budgets fit in their TRT). Every problem is reported, each with its JSON path.
import { Ajv, type ErrorObject } from 'ajv';
import { catalogueSchema } from './catalogue-schema.js';
import type { CatalogueData, TrtEntry } from './catalogue.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateSchema = ajv.compile(catalogueSchema);

/** Problems found in `data`, each "path: what is wrong"; empty when the catalogue is valid. */
export function catalogueProblems(data: unknown): string[] {
  if (!validateSchema(data)) return (validateSchema.errors ?? []).map(describe);
  return crossCheck(data as unknown as CatalogueData);
}

function describe(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === 'enum') return `${path}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  return `${path}: ${e.message ?? 'is invalid'}`;
}

function crossCheck(d: CatalogueData): string[] {
  const problems: string[] = [];
  const add = (path: string, message: string) => problems.push(`${path}: ${message}`);
  checkSources(d, add);
  const srvs = unique(d.srvs.map((s) => s.srv), '/srvs', 'srv', add);
  const processes = unique(d.businessProcesses.map((p) => p.id), '/businessProcesses', 'id', add);
  const roles = unique(d.userRoles.map((r) => r.id), '/userRoles', 'id', add);
  unique(d.cspRegions.map((r) => r.id), '/cspRegions', 'id', add);
  unique([...d.responseCodes, ...d.alertCodes].map((c) => c.code), '/responseCodes+alertCodes', 'code', add);
  const alertCodes = new Set(d.alertCodes.map((c) => c.code));

  for (const [name, c] of Object.entries(d.responseClasses)) checkBudget(`/responseClasses/${name}`, c, add);
  d.srvs.forEach((s, i) => {
    checkTrts(`/srvs/${i}`, s.trt, d, add);
    s.eligibleRoles?.forEach((r, k) => roles.has(r) || add(`/srvs/${i}/eligibleRoles/${k}`, `user role ${JSON.stringify(r)} is not in /userRoles`));
  });
  const srvRef = (path: string, srv: string) => srvs.has(srv) || add(path, `SRV ${JSON.stringify(srv)} is not in /srvs`);
  const processRef = (path: string, id: string) => processes.has(id) || add(path, `process ${JSON.stringify(id)} is not in /businessProcesses`);
  d.businessProcesses.forEach((p, i) => {
    p.srvs.forEach((srv, k) => srvRef(`/businessProcesses/${i}/srvs/${k}`, srv));
    unique(p.srvs, `/businessProcesses/${i}/srvs`, 'SRV', add);
  });
  unique(d.attribution.rules.map((r) => r.id), '/attribution/rules', 'id', add);
  d.attribution.rules.forEach((r, i) => {
    srvRef(`/attribution/rules/${i}/after`, r.after);
    processRef(`/attribution/rules/${i}/process`, r.process);
  });
  d.attribution.defaults.forEach((r, i) => {
    srvRef(`/attribution/defaults/${i}/srv`, r.srv);
    processRef(`/attribution/defaults/${i}/process`, r.process);
    const p = d.businessProcesses.find((bp) => bp.id === r.process);
    if (p && !p.srvs.includes(r.srv)) add(`/attribution/defaults/${i}`, `process ${r.process} does not list SRV ${r.srv}`);
  });
  d.rttTargets.forEach((t, i) => {
    srvRef(`/rttTargets/${i}/srv`, t.srv);
    checkDate(`/rttTargets/${i}/from`, t.from, add);
  });
  d.successRateTargets.forEach((t, i) => {
    if ((t.srv === undefined) === (t.process === undefined)) add(`/successRateTargets/${i}`, 'must name exactly one of srv or process');
    if (t.srv !== undefined) srvRef(`/successRateTargets/${i}/srv`, t.srv);
    if (t.process !== undefined) processRef(`/successRateTargets/${i}/process`, t.process);
    checkDate(`/successRateTargets/${i}/from`, t.from, add);
  });
  d.alertCodes.forEach((c, i) => {
    if (c.slaAfter && !alertCodes.has(c.slaAfter.code)) add(`/alertCodes/${i}/slaAfter/code`, `alert code ${JSON.stringify(c.slaAfter.code)} is not in /alertCodes`);
  });
  return problems;
}

/** Every field that cites a source (`source`, `…Source`, `alsoListedIn`) names a key of /sources. */
function checkSources(d: CatalogueData, add: (path: string, message: string) => void): void {
  const known = new Set(Object.keys(d.sources));
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((v, i) => visit(v, `${path}/${i}`));
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      const cites = k === 'source' || k.endsWith('Source');
      if (cites && typeof v === 'string' && !known.has(v)) add(`${path}/${k}`, `source ${JSON.stringify(v)} is not in /sources`);
      else if (k === 'alsoListedIn' && Array.isArray(v)) v.forEach((s, i) => known.has(s as string) || add(`${path}/${k}/${i}`, `source ${JSON.stringify(s)} is not in /sources`));
      else visit(v, `${path}/${k}`);
    }
  };
  for (const [k, v] of Object.entries(d)) if (k !== 'sources' && k !== 'provenance') visit(v, `/${k}`);
}

function checkTrts(path: string, trts: readonly TrtEntry[], d: CatalogueData, add: (path: string, message: string) => void): void {
  const lastFrom = new Map<string, string>();
  let previous = '';
  trts.forEach((t, k) => {
    const at = `${path}/trt/${k}`;
    checkDate(`${at}/from`, t.from, add);
    if (t.from < previous) add(`${at}/from`, `${t.from} is before the entry above it (${previous}): list TRT entries in date order`);
    previous = t.from;
    const stream = t.smets ?? 'all';
    const before = lastFrom.get(stream);
    if (before === t.from) add(`${at}/from`, `two TRT entries for ${stream === 'all' ? 'the SRV' : stream} take effect on ${t.from}`);
    lastFrom.set(stream, t.from);
    const cls = d.responseClasses[t.class];
    if (!cls) add(`${at}/class`, `response class ${JSON.stringify(t.class)} is not in /responseClasses`);
    else if (cls.seconds !== t.seconds) add(`${at}/seconds`, `${t.seconds} differs from response class ${t.class} (${cls.seconds} s)`);
    checkBudget(at, t, add);
  });
}

function checkBudget(path: string, t: { seconds: number; dspSeconds?: number | null; cspSeconds?: number | null }, add: (path: string, message: string) => void): void {
  const dsp = t.dspSeconds ?? 0;
  const csp = t.cspSeconds ?? 0;
  if (dsp + csp > t.seconds) add(path, `DSP ${dsp} s + CSP ${csp} s exceed the TRT of ${t.seconds} s`);
}

function checkDate(path: string, value: string, add: (path: string, message: string) => void): void {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) add(path, `${JSON.stringify(value)} is not a calendar date`);
}

function unique(values: readonly string[], path: string, what: string, add: (path: string, message: string) => void): Set<string> {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) add(`${path}/${i}`, `${what} ${JSON.stringify(v)} appears more than once`);
    seen.add(v);
  });
  return seen;
}
