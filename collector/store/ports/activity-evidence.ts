// The evidence availability is inferred from (collector/metrics/activity.ts): requests and
// answers per region and minute, which agents probe which region, and when each was alive.

export interface ActivityMinute {
  readonly minuteMs: number;
  readonly requests: number;
  readonly answered: number;
}

export interface Probe {
  readonly agentId: string;
  readonly region: string;
  readonly regional: boolean;
}

export interface Heartbeat {
  readonly agentId: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ActivityStore {
  /** Adds to a region's counts for a minute (negative to retract). */
  addActivity(region: string, minute: ActivityMinute): void;
  activityBetween(region: string, fromMs: number, toMs: number): ActivityMinute[];
  /** Notes an agent as a probe of a region; regional once, regional for good. */
  saveProbe(probe: Probe): void;
  probes(): Probe[];
  probesOf(region: string): Probe[];
  /** Inserts an agent's alive interval, or extends the one starting at `fromMs`. */
  saveHeartbeat(beat: Heartbeat): void;
  /** Each agent's latest interval. */
  lastHeartbeats(): Heartbeat[];
  /** An agent's intervals overlapping [fromMs, toMs). */
  heartbeatsOverlapping(agentId: string, fromMs: number, toMs: number): { fromMs: number; toMs: number }[];
}
