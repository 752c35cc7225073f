// The stamp() hot path: append to preallocated columns, no I/O, no allocation.
// A full chunk (or the flush timer) seals it; sealed chunks are handed to `onSealed`
// on the next turn of the event loop, or at once when too many are waiting, so memory
// stays bounded and no hop is dropped here: the stamper pays for the work instead.
import type { HopContext } from '../proto/hop-context.js';
import { HOP_POINT_COUNT } from '../proto/hop-point.js';
import type { HopColumns } from './batch-encoder.js';
import type { Clock } from '../common/clock.js';
import type { JourneyKey } from './journey-key.js';

export class HopChunk implements HopColumns {
  length = 0;
  readonly keys: JourneyKey[];
  readonly points: Uint8Array;
  readonly timesUs: Float64Array;
  readonly contexts: (HopContext | undefined)[];

  constructor(readonly capacity: number) {
    this.keys = new Array<JourneyKey>(capacity);
    this.points = new Uint8Array(capacity);
    this.timesUs = new Float64Array(capacity);
    this.contexts = new Array<HopContext | undefined>(capacity).fill(undefined);
  }
}

export interface HopRecorderOptions {
  readonly clock: Clock;
  /** Hops per chunk; a chunk becomes at least one batch. */
  readonly chunkHops: number;
  /** Sealed chunks allowed to wait for the event loop before the stamper encodes them itself. */
  readonly maxPendingChunks: number;
  /** Takes a sealed chunk; the chunk is recycled when it returns. */
  readonly onSealed: (chunk: HopChunk) => void;
}

export interface HopRecorder {
  stamp(key: JourneyKey, point: number, context?: HopContext): void;
  /** Stamps with a time the caller read from the same clock (hops that came in from outside). */
  record(key: JourneyKey, point: number, timeUs: number, context?: HopContext): void;
  /** Seals the open chunk, if it holds any hop, and hands over everything pending. */
  flush(): void;
  readonly pendingHops: number;
}

export function createHopRecorder(options: HopRecorderOptions): HopRecorder {
  const { clock, chunkHops, maxPendingChunks, onSealed } = options;
  const spare: HopChunk[] = [];
  const pending: HopChunk[] = [];
  let open = new HopChunk(chunkHops);
  let drainScheduled = false;

  const drain = () => {
    drainScheduled = false;
    while (pending.length > 0) {
      const chunk = pending.shift()!;
      try {
        onSealed(chunk);
      } finally {
        chunk.length = 0;
        chunk.contexts.fill(undefined);
        spare.push(chunk);
      }
    }
  };

  const seal = () => {
    pending.push(open);
    open = spare.pop() ?? new HopChunk(chunkHops);
    if (pending.length > maxPendingChunks) drain();
    else if (!drainScheduled) {
      drainScheduled = true;
      setImmediate(drain);
    }
  };

  const record = (key: JourneyKey, point: number, timeUs: number, context?: HopContext) => {
    // A bad point would make the collector reject the whole batch, so refuse it here.
    if (!(point >= 1 && point <= HOP_POINT_COUNT && point === (point | 0))) throw new RangeError(`not a hop point: ${point}`);
    const chunk = open;
    const i = chunk.length;
    chunk.keys[i] = key;
    chunk.points[i] = point;
    chunk.timesUs[i] = timeUs;
    if (context !== undefined) chunk.contexts[i] = context;
    if ((chunk.length = i + 1) === chunk.capacity) seal();
  };

  return {
    stamp: (key, point, context) => record(key, point, clock.nowUs(), context),
    record,
    flush() {
      if (open.length > 0) seal();
      drain();
    },
    get pendingHops() {
      return open.length + pending.reduce((n, c) => n + c.length, 0);
    },
  };
}
