// The catalogue: SRVs with their response classes and TRTs (with effective dates and the
// DSP/CSP split), response and alert codes with what they count as, business processes and
// how shared SRVs are attributed to them, RTT and Success Rate targets, regions, User Roles.
// Data, not code: collector/catalogue/default-catalogue.json cites a source for
// every entry, and a user's file can replace it (--catalogue). A file is checked in full
// (catalogue-check.ts) before it is used; an invalid one stops the collector with every problem listed.
import { readFileSync } from 'node:fs';
import { HopwatchError } from '../../common/error-codes.js';
import { packageFile } from '../../common/paths.js';
import { catalogueProblems } from './catalogue-check.js';

export type SmetsQualifier = 'SMETS1' | 'SMETS2+';

export interface TrtEntry {
  /** Local date (YYYY-MM-DD) from which the entry is in force. */
  readonly from: string;
  readonly class: string;
  readonly seconds: number;
  readonly dspSeconds: number | null;
  readonly cspSeconds: number | null;
  readonly smets?: SmetsQualifier;
  readonly source: string;
}

export interface SrvEntry {
  readonly srv: string;
  readonly name: string;
  readonly kind: string;
  readonly trt: readonly TrtEntry[];
  readonly eligibleRoles?: readonly string[];
  readonly source: string;
}

export interface CodeEntry {
  readonly code: string;
  readonly outcome: 'success' | 'acknowledgement' | 'failure' | 'information';
  readonly reason: string | null;
  readonly networkFailure?: boolean;
  readonly payloadFailure?: boolean;
  readonly description?: string;
  readonly slaAfter?: { readonly code: string; readonly seconds?: number; readonly source: string };
  readonly source: string;
}

export interface BusinessProcess {
  readonly id: string;
  readonly name: string;
  readonly srvs: readonly string[];
  readonly source: string;
}

export interface AttributionRule {
  readonly id: string;
  /** An SR of this SRV to the same device, shortly before, names the process. */
  readonly after: string;
  readonly process: string;
  readonly source: string;
}

export interface Attribution {
  readonly windowHours: number;
  readonly rules: readonly AttributionRule[];
  readonly defaults: readonly { readonly srv: string; readonly process: string; readonly source: string }[];
  readonly source: string;
}

export interface RttTarget {
  readonly srv: string;
  readonly seconds: number;
  readonly from: string;
  readonly smets?: SmetsQualifier;
  readonly source: string;
}

export interface SuccessRateTarget {
  readonly srv?: string;
  readonly process?: string;
  readonly percent: number;
  readonly from: string;
  readonly source: string;
}

export interface CatalogueData {
  readonly catalogueVersion: string;
  readonly sources: Readonly<Record<string, { readonly title: string; readonly reference: string }>>;
  readonly responseClasses: Readonly<Record<string, { readonly seconds: number; readonly dspSeconds?: number | null; readonly cspSeconds?: number | null }>>;
  readonly srvs: readonly SrvEntry[];
  readonly businessProcesses: readonly BusinessProcess[];
  readonly attribution: Attribution;
  readonly responseCodes: readonly CodeEntry[];
  readonly alertCodes: readonly CodeEntry[];
  readonly alertSla: { readonly seconds: number; readonly source: string };
  readonly rttTargets: readonly RttTarget[];
  readonly successRateTargets: readonly SuccessRateTarget[];
  readonly cspRegions: readonly { readonly id: string; readonly name: string; readonly source: string }[];
  readonly userRoles: readonly { readonly id: string; readonly name: string; readonly source: string }[];
}

export interface Catalogue {
  readonly data: CatalogueData;
  srv(srv: string): SrvEntry | undefined;
  /** The TRT in force for an SRV at a time (UTC milliseconds; for journey windows), or undefined for an unknown SRV. */
  trt(srv: string, atMs: number): TrtEntry | undefined;
  /**
   * The TRT in force on a local date (YYYY-MM-DD) for a device generation: SEC Appendix E, as
   * amended by SECMP0053 from its effective date. Entries qualified SMETS1 or SMETS2+ apply to that generation only.
   */
  trtOn(srv: string, localDate: string, smetsGeneration?: string): TrtEntry | undefined;
  /** DP187: the configured RTT target in force, seconds; undefined when none is set. */
  rttTargetOn(srv: string, localDate: string, smetsGeneration?: string): number | undefined;
  successRateTarget(scope: { srv?: string; process?: string }, localDate: string): number | undefined;
  /** What a response or alert code counts as; undefined when the catalogue does not know it. */
  code(code: string): CodeEntry | undefined;
  process(id: string): BusinessProcess | undefined;
  /** The processes whose SRV list names `srv` (MP176 Table 1). */
  processesOf(srv: string): readonly BusinessProcess[];
  /** SRVs that more than one process lists: attributed per SR (see sequence-tags.ts). */
  isShared(srv: string): boolean;
}

export const DEFAULT_CATALOGUE_FILE = packageFile('collector', 'catalogue', 'default-catalogue.json');

/** Reads and checks a catalogue file; throws HW_COLLECTOR_CATALOGUE listing every problem. */
export function loadCatalogue(file: string = DEFAULT_CATALOGUE_FILE): Catalogue {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HopwatchError('HW_COLLECTOR_CATALOGUE', `cannot read catalogue ${file}: ${(err as Error).message}`);
  }
  const problems = catalogueProblems(data);
  if (problems.length > 0) throw new HopwatchError('HW_COLLECTOR_CATALOGUE', `invalid catalogue ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
  return createCatalogue(data as CatalogueData);
}

const generationOf = (smets: string | undefined): SmetsQualifier | undefined => (smets === undefined ? undefined : smets === 'SMETS1' ? 'SMETS1' : 'SMETS2+');

/** The last entry whose date has come, among those for the generation (unqualified entries apply to all). */
function inForce<T extends { from: string; smets?: SmetsQualifier }>(entries: readonly T[], localDate: string, smets: string | undefined): T | undefined {
  const generation = generationOf(smets);
  let found: T | undefined;
  for (const e of entries) {
    if (e.smets !== undefined && generation !== undefined && e.smets !== generation) continue;
    if (e.from <= localDate) found = e;
  }
  return found;
}

export function createCatalogue(data: CatalogueData): Catalogue {
  const srvs = new Map(data.srvs.map((s) => [s.srv, s]));
  const codes = new Map([...data.responseCodes, ...data.alertCodes].map((c) => [c.code, c]));
  const processes = new Map(data.businessProcesses.map((p) => [p.id, p]));
  const processesOf = new Map<string, BusinessProcess[]>();
  for (const p of data.businessProcesses) for (const srv of p.srvs) processesOf.set(srv, [...(processesOf.get(srv) ?? []), p]);
  const rttTargets = new Map<string, RttTarget[]>();
  for (const t of data.rttTargets) rttTargets.set(t.srv, [...(rttTargets.get(t.srv) ?? []), t].sort((a, b) => a.from.localeCompare(b.from)));
  return {
    data,
    srv: (srv) => srvs.get(srv),
    trt(srv, atMs) {
      const s = srvs.get(srv);
      return s ? inForce(s.trt, new Date(atMs).toISOString().slice(0, 10), undefined) ?? s.trt[0] : undefined;
    },
    trtOn(srv, localDate, smets) {
      const s = srvs.get(srv);
      return s ? inForce(s.trt, localDate, smets) : undefined;
    },
    rttTargetOn: (srv, localDate, smets) => inForce(rttTargets.get(srv) ?? [], localDate, smets)?.seconds,
    successRateTarget(scope, localDate) {
      const matching = data.successRateTargets.filter((t) => (scope.srv !== undefined && t.srv === scope.srv) || (scope.process !== undefined && t.process === scope.process));
      return inForce([...matching].sort((a, b) => a.from.localeCompare(b.from)), localDate, undefined)?.percent;
    },
    code: (code) => codes.get(code),
    process: (id) => processes.get(id),
    processesOf: (srv) => processesOf.get(srv) ?? [],
    isShared: (srv) => (processesOf.get(srv)?.length ?? 0) > 1,
  };
}
