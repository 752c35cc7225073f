// The catalogue's JSON schema: strict (no unknown keys) so that a misspelt field in a user's
// catalogue is an error, not a silently ignored value. Cross-references (sources, SRVs,
// processes, dates) are checked in catalogue-check.ts.
const text = { type: 'string', minLength: 1 } as const;
const note = { type: 'string' } as const;
const sourceRef = { type: 'string', minLength: 1, description: 'a key of "sources"' } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const srvId = { type: 'string', pattern: '^[0-9]{1,2}(\\.[0-9]{1,2}){0,3}$' } as const;
const seconds = { type: 'number', exclusiveMinimum: 0 } as const;
const nullableSeconds = { type: ['number', 'null'], exclusiveMinimum: 0 } as const;

const object = (properties: Record<string, unknown>, required: readonly string[]) => ({
  type: 'object', additionalProperties: false, properties, required: [...required],
});
const list = (items: unknown, minItems = 0) => ({ type: 'array', items, minItems });

const trtEntry = object({
  from: date, class: text, seconds, dspSeconds: nullableSeconds, cspSeconds: nullableSeconds,
  source: sourceRef, budgetSource: sourceRef, effectiveDateSource: sourceRef,
  smets: { enum: ['SMETS1', 'SMETS2+'] }, assumed: { type: 'boolean' }, disputed: { type: 'boolean' }, note,
}, ['from', 'class', 'seconds', 'dspSeconds', 'cspSeconds', 'source']);

const srvEntry = object({
  srv: srvId, name: text, kind: { enum: ['request'] }, trt: list(trtEntry, 1), source: sourceRef,
  alsoListedIn: list(sourceRef), aliases: list(object({ name: text, source: sourceRef }, ['name', 'source'])),
  eligibleRoles: list(text), eligibleRolesSource: sourceRef, variants: list(object({ qualifier: text }, ['qualifier'])), note,
}, ['srv', 'name', 'kind', 'trt', 'source']);

const codeEntry = object({
  code: { type: 'string', pattern: '^(?:[A-Z]{1,3}[0-9]{1,4}|0x[0-9A-Fa-f]{4})$' },
  outcome: { enum: ['success', 'acknowledgement', 'failure', 'information'] },
  reason: { type: ['string', 'null'], minLength: 1 },
  networkFailure: { type: 'boolean' }, payloadFailure: { type: 'boolean' }, description: note,
  source: sourceRef, descriptionSource: sourceRef, alsoListedIn: list(sourceRef),
  slaAfter: object({ code: text, days: seconds, seconds, source: sourceRef }, ['code', 'source']), note,
}, ['code', 'outcome', 'reason', 'source']);

const process = object({
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' }, name: text, srvs: list(srvId, 1), source: sourceRef,
  indicators: list(object({ text, srvs: list(srvId) }, ['text'])),
  variants: list(object({ srv: srvId, qualifier: text }, ['srv', 'qualifier'])), note,
}, ['id', 'name', 'srvs', 'source']);

const attribution = object({
  windowHours: seconds, windowSource: sourceRef, source: sourceRef, note,
  rules: list(object({ id: text, after: srvId, process: text, source: sourceRef, note }, ['id', 'after', 'process', 'source'])),
  defaults: list(object({ srv: srvId, process: text, source: sourceRef, note }, ['srv', 'process', 'source'])),
}, ['windowHours', 'source', 'rules', 'defaults']);

// DP187: RTT and Success Rate targets are separate from TRTs and configurable.
const rttTarget = object({
  srv: srvId, seconds, from: date, smets: { enum: ['SMETS1', 'SMETS2+'] }, source: sourceRef, note,
}, ['srv', 'seconds', 'from', 'source']);
const successRateTarget = object({
  srv: srvId, process: text, percent: { type: 'number', minimum: 0, maximum: 100 }, from: date, source: sourceRef, note,
}, ['percent', 'from', 'source']);

export const catalogueSchema = object({
  catalogueVersion: text,
  provenance: { type: 'object' },
  sources: {
    type: 'object', minProperties: 1,
    additionalProperties: object({ title: text, reference: text, seed: { type: ['string', 'null'] }, file: text, note }, ['title', 'reference']),
  },
  responseClasses: {
    type: 'object', minProperties: 1,
    additionalProperties: object({ seconds, dspSeconds: nullableSeconds, cspSeconds: nullableSeconds, source: sourceRef, note }, ['seconds', 'source']),
  },
  responseClassBudgetMeasures: object({ total: text, dsp: text, csp: text, source: sourceRef }, ['source']),
  srvs: list(srvEntry, 1),
  businessProcesses: list(process),
  attribution,
  responseCodes: list(codeEntry),
  alertCodes: list(codeEntry),
  namedAlertsWithoutCode: list(object({ id: text, name: text, source: sourceRef, note }, ['id', 'name', 'source'])),
  alertSla: object({ seconds, source: sourceRef, note }, ['seconds', 'source']),
  rttTargets: list(rttTarget),
  successRateTargets: list(successRateTarget),
  targetsNote: object({ text, source: sourceRef }, ['text', 'source']),
  cspRegions: list(object({ id: { enum: ['NORTH', 'CENTRAL', 'SOUTH'] }, name: text, technology: text, source: sourceRef, note }, ['id', 'name', 'source']), 1),
  userRoles: list(object({ id: { type: 'string', pattern: '^[A-Z]{2,4}$' }, name: text, source: sourceRef, note }, ['id', 'name', 'source']), 1),
}, ['catalogueVersion', 'sources', 'responseClasses', 'srvs', 'businessProcesses', 'attribution', 'responseCodes', 'alertCodes', 'alertSla', 'rttTargets', 'successRateTargets', 'cspRegions', 'userRoles']);
