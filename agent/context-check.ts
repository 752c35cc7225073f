// Contexts come from rig code; one bad field would make the collector reject the whole
// batch, so each distinct context object is checked once and a bad one is left out.
import type { HopContext } from '../proto/hop-context.js';
import { contextProblem } from '../proto/hop-context.js';
import type { HopChunk } from './hop-recorder.js';

const verdicts = new WeakMap<HopContext, string | null>();

/** Removes invalid contexts from the chunk; returns the problems found (one per bad hop). */
export function dropInvalidContexts(chunk: HopChunk): string[] {
  const problems: string[] = [];
  for (let i = 0; i < chunk.length; i++) {
    const ctx = chunk.contexts[i];
    if (ctx === undefined) continue;
    let verdict = verdicts.get(ctx);
    if (verdict === undefined) {
      verdict = contextProblem(ctx as Record<string, unknown>) ?? null;
      verdicts.set(ctx, verdict);
    }
    if (verdict !== null) {
      chunk.contexts[i] = undefined;
      problems.push(verdict);
    }
  }
  return problems;
}
