// Journey contexts are few and repeat on every record: each distinct one is stored once
// (contexts table) and records refer to it by id. Ids are cached in memory by signature.
import type Database from 'better-sqlite3';
import type { JourneyContext } from '../../proto/hop-context.js';
import { EMPTY_CONTEXT } from '../../proto/hop-context.js';
import { signatureOf } from '../join/context-interner.js';

export const CONTEXT_COLUMNS = [
  ['srv', 'srv'], ['cspRegion', 'csp_region'], ['smetsGeneration', 'smets_generation'], ['deviceType', 'device_type'],
  ['deviceModel', 'device_model'], ['firmwareVersion', 'firmware_version'], ['chFirmwareVersion', 'ch_firmware_version'],
  ['userRole', 'user_role'],
] as const;

export interface ContextRegistry {
  /** The id of a context, inserting it if new (call inside the write transaction). */
  idOf(ctx: JourneyContext): number;
  contextOf(id: number): JourneyContext;
  /** After a rolled-back transaction: forget ids that may not exist, and read them again. */
  reload(): void;
}

/** The contexts table as the registry uses it, on any backend. */
export interface ContextTable {
  /** Every stored context: id, signature and one field per CONTEXT_COLUMNS entry (null when absent). */
  all(): (Record<string, string | null> & { id: number; signature: string })[];
  idOf(signature: string): number | undefined;
  /** Inserts a context (values in CONTEXT_COLUMNS order) and returns its id. */
  insert(signature: string, values: readonly (string | null)[]): number;
}

export function createContextRegistry(db: Database.Database): ContextRegistry {
  const insert = db.prepare(`INSERT INTO contexts (signature, ${CONTEXT_COLUMNS.map(([, c]) => c).join(', ')}) VALUES (?, ${CONTEXT_COLUMNS.map(() => '?').join(', ')})`);
  const all = db.prepare(`SELECT id, signature, ${CONTEXT_COLUMNS.map(([f, c]) => `${c} AS ${f}`).join(', ')} FROM contexts`);
  const idBySignature = db.prepare('SELECT id FROM contexts WHERE signature = ?').pluck();
  return createContextRegistryOn({
    all: () => all.all() as ReturnType<ContextTable['all']>,
    idOf: (signature) => idBySignature.get(signature) as number | undefined,
    insert: (signature, values) => Number(insert.run(signature, ...values).lastInsertRowid),
  });
}

export function createContextRegistryOn(table: ContextTable): ContextRegistry {
  // Contexts arrive interned (one object per distinct context), so identity finds most.
  let byObject = new WeakMap<JourneyContext, number>();
  const bySignature = new Map<string, number>();
  const byId = new Map<number, JourneyContext>();

  const remember = (id: number, signature: string, ctx: JourneyContext) => {
    bySignature.set(signature, id);
    byId.set(id, ctx);
  };
  const load = () => {
    byObject = new WeakMap();
    bySignature.clear();
    byId.clear();
    for (const row of table.all()) {
      const ctx: Record<string, string> = {};
      for (const [field] of CONTEXT_COLUMNS) if (row[field] !== null) ctx[field] = row[field]!;
      remember(row.id, row.signature, Object.keys(ctx).length === 0 ? EMPTY_CONTEXT : Object.freeze(ctx));
    }
  };
  load();

  return {
    idOf(ctx) {
      const known = byObject.get(ctx);
      if (known !== undefined) return known;
      const signature = signatureOf(ctx);
      let id = bySignature.get(signature);
      if (id === undefined) {
        // A rolled-back transaction may have cached an id that is gone: look before inserting.
        id = table.idOf(signature) ?? table.insert(signature, CONTEXT_COLUMNS.map(([field]) => ctx[field] ?? null));
        remember(id, signature, ctx);
      }
      byObject.set(ctx, id);
      return id;
    },
    contextOf: (id) => byId.get(id) ?? EMPTY_CONTEXT,
    reload: load,
  };
}
