// One shared, frozen object per distinct journey context. Agents repeat the same few
// contexts on every batch; interning them (and the merges of what several agents say
// about one journey) lets everything downstream compare contexts by identity instead of
// building and hashing a signature per journey.
import type { JourneyContext } from '../../proto/hop-context.js';
import { EMPTY_CONTEXT, JOURNEY_CONTEXT_FIELDS } from '../../proto/hop-context.js';

export interface ContextInterner {
  /** The canonical object with these fields. */
  intern(ctx: JourneyContext): JourneyContext;
  /** `base`'s fields, then `extra`'s where `base` has none (the first agent to say wins). */
  merge(base: JourneyContext, extra: JourneyContext): JourneyContext;
  /** Caches dropped because they reached their bound. */
  readonly resets: number;
}

export function signatureOf(ctx: JourneyContext): string {
  let s = '';
  for (const field of JOURNEY_CONTEXT_FIELDS) s += `${ctx[field] ?? ''}\u0001`;
  return s;
}

/** `maxEntries` bounds each cache; past it the cache starts again (objects in use stay valid). */
export function createContextInterner(maxEntries = 100_000): ContextInterner {
  let bySignature = new Map<string, JourneyContext>([[signatureOf(EMPTY_CONTEXT), EMPTY_CONTEXT]]);
  let merges = new Map<JourneyContext, Map<JourneyContext, JourneyContext>>();
  let mergeCount = 0;
  let resets = 0;

  const intern = (ctx: JourneyContext): JourneyContext => {
    const signature = signatureOf(ctx);
    const known = bySignature.get(signature);
    if (known) return known;
    if (bySignature.size >= maxEntries) {
      bySignature = new Map([[signatureOf(EMPTY_CONTEXT), EMPTY_CONTEXT]]);
      resets++;
    }
    const frozen = Object.isFrozen(ctx) ? ctx : Object.freeze({ ...ctx });
    bySignature.set(signature, frozen);
    return frozen;
  };

  return {
    intern,
    merge(base, extra) {
      if (extra === EMPTY_CONTEXT || extra === base) return base;
      if (base === EMPTY_CONTEXT) return extra;
      let byExtra = merges.get(base);
      const cached = byExtra?.get(extra);
      if (cached) return cached;
      let merged: Record<string, string> | undefined;
      for (const field of JOURNEY_CONTEXT_FIELDS) {
        const v = extra[field];
        if (v !== undefined && base[field] === undefined) (merged ??= { ...base } as Record<string, string>)[field] = v;
      }
      const result = merged ? intern(merged as JourneyContext) : base;
      if (mergeCount >= maxEntries) {
        merges = new Map();
        mergeCount = 0;
        resets++;
      }
      if (!byExtra) merges.set(base, (byExtra = new Map()));
      byExtra.set(extra, result);
      mergeCount++;
      return result;
    },
    get resets() {
      return resets;
    },
  };
}
