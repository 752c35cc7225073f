// The catalogue: SRVs with their response classes and TRTs (with effective dates),
// response and alert codes with what they count as, business processes, regions.
// Data, not code: collector/metrics/catalogue/default-catalogue.json cites a source for
// every entry, and a user's file can replace it (--catalogue).
import { readFileSync } from 'node:fs';
import { packageFile } from '../../common/paths.js';

export interface TrtEntry {
  readonly from: string;
  readonly class: string;
  readonly seconds: number;
  readonly dspSeconds: number | null;
  readonly cspSeconds: number | null;
  readonly source: string;
}

export interface SrvEntry {
  readonly srv: string;
  readonly name: string;
  readonly kind: string;
  readonly trt: readonly TrtEntry[];
  readonly source: string;
}

export interface CodeEntry {
  readonly code: string;
  readonly outcome: 'success' | 'acknowledgement' | 'failure';
  readonly reason: string | null;
  readonly networkFailure?: boolean;
  readonly payloadFailure?: boolean;
  readonly description?: string;
  readonly source: string;
}

export interface BusinessProcess {
  readonly id: string;
  readonly name: string;
  readonly srvs: readonly string[];
  readonly source: string;
}

export interface CatalogueData {
  readonly catalogueVersion: string;
  readonly sources: Readonly<Record<string, unknown>>;
  readonly responseClasses: Readonly<Record<string, { readonly seconds: number }>>;
  readonly srvs: readonly SrvEntry[];
  readonly businessProcesses: readonly BusinessProcess[];
  readonly responseCodes: readonly CodeEntry[];
  readonly alertCodes: readonly CodeEntry[];
  readonly alertSla: { readonly seconds: number; readonly source: string };
}

export interface Catalogue {
  readonly data: CatalogueData;
  srv(srv: string): SrvEntry | undefined;
  /** The TRT in force for an SRV on a date (UTC milliseconds), or undefined for an unknown SRV. */
  trt(srv: string, atMs: number): TrtEntry | undefined;
  /** What a response or alert code counts as; undefined when the catalogue does not know it. */
  code(code: string): CodeEntry | undefined;
}

export const DEFAULT_CATALOGUE_FILE = packageFile('collector', 'metrics', 'catalogue', 'default-catalogue.json');

export function loadCatalogue(file: string = DEFAULT_CATALOGUE_FILE): Catalogue {
  return createCatalogue(JSON.parse(readFileSync(file, 'utf8')) as CatalogueData);
}

export function createCatalogue(data: CatalogueData): Catalogue {
  const srvs = new Map(data.srvs.map((s) => [s.srv, { entry: s, trt: [...s.trt].sort((a, b) => a.from.localeCompare(b.from)) }]));
  const trtFrom = new Map<TrtEntry, number>();
  for (const s of srvs.values()) for (const t of s.trt) trtFrom.set(t, Date.parse(`${t.from}T00:00:00Z`));
  const codes = new Map([...data.responseCodes, ...data.alertCodes].map((c) => [c.code, c]));
  return {
    data,
    srv: (srv) => srvs.get(srv)?.entry,
    trt(srv, atMs) {
      const s = srvs.get(srv);
      if (!s) return undefined;
      let found: TrtEntry | undefined;
      for (const t of s.trt) if (trtFrom.get(t)! <= atMs) found = t;
      return found ?? s.trt[0];
    },
    code: (code) => codes.get(code),
  };
}
