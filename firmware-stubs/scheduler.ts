// A discrete-event scheduler over TRUE time (microseconds since the Unix epoch): the
// time things really happen in the simulated world, which no agent reads directly.
// Two drivers share one binary heap:
// - virtual: time jumps from event to event as fast as the CPU allows; nothing waits
//   on the wall clock (tests, benchmarks);
// - realtime: true time is wall time; one unref'd timer fires the earliest due events
//   (the live demo fleet).
// While an event runs, nowUs() is that event's time exactly, even when a realtime timer
// fired late, so a hop's stamp and its ground truth always agree on when it happened.

export type Task = () => void;

export interface Scheduler {
  /** The current true time: the running event's time, else the driver's notion of now. */
  nowUs(): number;
  /** Runs `task` at `trueUs`; a time already past runs as soon as possible. Same-time events run in the order added. */
  at(trueUs: number, task: Task): void;
  readonly pending: number;
  /** Drops every pending event; later at() calls are ignored. */
  stop(): void;
}

export interface VirtualScheduler extends Scheduler {
  /**
   * Runs every event due at or before `trueUs`, then sets the time to `trueUs`. With
   * `maxEvents`, stops early (time stays at the last event run) so a caller can yield.
   * Returns the events run.
   */
  runUntil(trueUs: number, maxEvents?: number): number;
  runFor(ms: number): number;
  /** Runs events until none is pending, or `maxEvents` have run. */
  runUntilIdle(maxEvents?: number): number;
  /** The time of the earliest pending event, or undefined. */
  nextUs(): number | undefined;
}

interface Entry {
  readonly timeUs: number;
  readonly seq: number;
  readonly task: Task;
}

/** Min-heap on (time, insertion order): O(log n) per event with many thousands pending. */
class EventHeap {
  private readonly items: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(timeUs: number, task: Task): void {
    const items = this.items;
    const entry: Entry = { timeUs, seq: this.seq++, task };
    let i = items.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

const before = (a: Entry, b: Entry) => a.timeUs < b.timeUs || (a.timeUs === b.timeUs && a.seq < b.seq);

function checkTime(trueUs: number): void {
  if (!Number.isFinite(trueUs)) throw new RangeError(`event time must be a finite number of microseconds, got ${trueUs}`);
}

export interface VirtualSchedulerOptions {
  /** True time at the start, microseconds since the Unix epoch. */
  readonly startUs: number;
}

export function createVirtualScheduler(options: VirtualSchedulerOptions): VirtualScheduler {
  checkTime(options.startUs);
  const heap = new EventHeap();
  let now = options.startUs;
  let stopped = false;

  const runNext = (): void => {
    const entry = heap.pop()!;
    if (entry.timeUs > now) now = entry.timeUs;
    entry.task();
  };

  const self: VirtualScheduler = {
    nowUs: () => now,
    at(trueUs, task) {
      checkTime(trueUs);
      if (!stopped) heap.push(Math.max(trueUs, now), task);
    },
    get pending() {
      return heap.size;
    },
    stop() {
      stopped = true;
      heap.clear();
    },
    runUntil(trueUs, maxEvents = Number.POSITIVE_INFINITY) {
      checkTime(trueUs);
      let ran = 0;
      while (heap.size > 0 && heap.peek()!.timeUs <= trueUs) {
        if (ran === maxEvents) return ran;
        runNext();
        ran++;
      }
      if (trueUs > now) now = trueUs;
      return ran;
    },
    runFor: (ms) => self.runUntil(now + ms * 1000),
    runUntilIdle(maxEvents = Number.POSITIVE_INFINITY) {
      let ran = 0;
      while (heap.size > 0 && ran < maxEvents) {
        runNext();
        ran++;
      }
      return ran;
    },
    nextUs: () => heap.peek()?.timeUs,
  };
  return self;
}

export interface RealtimeSchedulerOptions {
  /** Wall time in microseconds since the Unix epoch; injected so tests can drive it. */
  readonly wallUs?: () => number;
}

/** setTimeout's largest delay (2^31 - 1 ms); a later event re-arms the timer when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

export function createRealtimeScheduler(options: RealtimeSchedulerOptions = {}): Scheduler {
  // Microsecond resolution: simulated agents time-probe the collector over loopback, where
  // a round trip is well under the millisecond Date.now() could resolve.
  const wallUs = options.wallUs ?? (() => (performance.timeOrigin + performance.now()) * 1000);
  const heap = new EventHeap();
  let timer: NodeJS.Timeout | undefined;
  let armedForUs = Number.POSITIVE_INFINITY;
  let runningUs: number | undefined;
  let lastEventUs = Number.NEGATIVE_INFINITY;
  let lastWallUs = Number.NEGATIVE_INFINITY;
  let stopped = false;

  // True time never runs backwards, even if the wall clock is stepped back. Events see their
  // own time (monotonic among events), even when the timer fired a little late.
  const now = () => runningUs ?? Math.max(lastEventUs, (lastWallUs = Math.max(lastWallUs, wallUs())));

  const fire = () => {
    timer = undefined;
    armedForUs = Number.POSITIVE_INFINITY;
    const dueUs = now();
    while (!stopped && heap.size > 0 && heap.peek()!.timeUs <= dueUs) {
      const entry = heap.pop()!;
      runningUs = Math.max(entry.timeUs, lastEventUs);
      lastEventUs = runningUs;
      try {
        entry.task();
      } finally {
        runningUs = undefined;
      }
    }
    arm();
  };

  const arm = () => {
    const next = heap.peek();
    if (stopped || next === undefined || next.timeUs >= armedForUs) return;
    if (timer !== undefined) clearTimeout(timer);
    armedForUs = next.timeUs;
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil((next.timeUs - now()) / 1000)));
    timer = setTimeout(fire, delayMs);
    // The simulation must never be what keeps the process alive.
    timer.unref();
  };

  return {
    nowUs: now,
    at(trueUs, task) {
      checkTime(trueUs);
      if (stopped) return;
      heap.push(trueUs, task);
      // Inside an event, fire() re-arms once the due events are done.
      if (runningUs === undefined) arm();
    },
    get pending() {
      return heap.size;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      heap.clear();
    },
  };
}
