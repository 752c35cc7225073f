// Stable error codes. Each app declares its table once (agent/errors.ts, collector/errors.ts);
// a key always equals its code, and a test checks that codes are unique and well formed.

export interface ErrorCode {
  readonly code: string;
  /** What it means and what to do, as the README's troubleshooting section says it. */
  readonly meaning: string;
}

export function defineErrorCodes<K extends string>(meanings: Record<K, string>): { readonly [P in K]: ErrorCode & { code: P } } {
  const table = {} as Record<K, ErrorCode>;
  for (const code of Object.keys(meanings) as K[]) table[code] = Object.freeze({ code, meaning: meanings[code] });
  return Object.freeze(table) as { readonly [P in K]: ErrorCode & { code: P } };
}

/** An error carrying a stable code; thrown only for bad configuration and bugs, never for bad input. */
export class HopwatchError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HopwatchError';
  }
}
