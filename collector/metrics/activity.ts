// The evidence availability is inferred from (MP122 §3.2.3: "a lack of activity across parts
// of the network"), kept apart from the evidence that anyone was looking:
// - activity: per CSP region and minute, requests started and requests answered (the journey
//   got its final response, whatever its code: an E1–E19 error is a valid DCC answer, so only
//   journeys that timed out or closed incomplete count against the region);
// - probes: which agents watch which region (an agent stamping CSP, CH or HAN points on a
//   region's journeys is a regional probe of it);
// - heartbeats: intervals in which each agent was alive, from the status it publishes every
//   few seconds (an agent that stops reporting makes its region unknown, not down).
// Known probes and open heartbeat intervals are kept in memory, following the transaction
// (record-sink.ts).
import { CSP_REGIONS } from '../../proto/hop-context.js';
import { HopPoint } from '../../proto/hop-point.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { ActivityStore } from '../store/ports/activity-evidence.js';
import type { AgentStatusRow } from '../store/store.js';
import type { TransactionFollower } from '../join/record-sink.js';
import { createUndoJournal } from './undo-journal.js';

const MINUTE_MS = 60_000;
/** Reasons journey-record.ts gives a journey that closed without its final response. */
const UNANSWERED = new Set(['no-response', 'incomplete']);
const REGIONAL_POINTS = new Set(['CSP_OUT', 'CSP_IN', 'CH_IN', 'CH_OUT', 'HAN_OUT', 'HAN_IN', 'ALERT_CH_OUT', 'ALERT_CSP_IN'].map((p) => HopPoint[p as keyof typeof HopPoint]));

export interface ActivityOptions {
  /** How often agent statuses are read. */
  readonly heartbeatPollMs: number;
  /** An agent whose last status is older than this is silent. */
  readonly probeSilenceMs: number;
}

export interface ActivityTracker extends TransactionFollower {
  add(r: JourneyRecord, sign: 1 | -1): void;
  /** Writes what add() gathered this tick. */
  flush(): void;
  /** Extends the heartbeat intervals of live agents (at most every heartbeatPollMs). */
  poll(nowMs: number, statuses: () => readonly AgentStatusRow[]): void;
  reload(): void;
}

export function createActivityTracker(store: ActivityStore, options: ActivityOptions): ActivityTracker {
  /** This tick's counts by minute × 4 + region index. */
  const minutes = new Map<number, { minuteMs: number; region: string; requests: number; answered: number }>();
  /** Known probes: agent → region → regional (1) or not (0). */
  const probes = new Map<string, Map<string, number>>();
  const beats = new Map<string, { fromMs: number; toMs: number }>();
  let nextPollMs = 0;
  let committedNextPollMs = 0;
  const journal = createUndoJournal();

  const reload = () => {
    journal.commit();
    minutes.clear();
    probes.clear();
    beats.clear();
    for (const p of store.probes()) remember(p.agentId, p.region, p.regional ? 1 : 0);
    for (const b of store.lastHeartbeats()) beats.set(b.agentId, { fromMs: b.fromMs, toMs: b.toMs });
  };

  function remember(agentId: string, region: string, regional: number): void {
    let byRegion = probes.get(agentId);
    if (!byRegion) probes.set(agentId, (byRegion = new Map()));
    byRegion.set(region, regional);
  }
  function forget(agentId: string, region: string): void {
    const byRegion = probes.get(agentId)!;
    byRegion.delete(region);
    if (byRegion.size === 0) probes.delete(agentId);
  }
  reload();

  const learnProbes = (r: JourneyRecord, region: string) => {
    const h = r.hops;
    for (let i = 0; i < h.points.length; i++) {
      const agentId = h.agentIds[i]!;
      const regional = REGIONAL_POINTS.has(h.points[i]!) ? 1 : 0;
      const known = probes.get(agentId)?.get(region);
      if (known !== undefined && known >= regional) continue;
      remember(agentId, region, regional);
      journal.add(() => (known === undefined ? forget(agentId, region) : remember(agentId, region, known)));
      store.saveProbe({ agentId, region, regional: regional === 1 });
    }
  };

  return {
    add(r, sign) {
      const region = r.context.cspRegion;
      if (region === undefined || r.kind !== 'request') return;
      const minuteMs = Math.floor(r.startedUs / 1000 / MINUTE_MS) * MINUTE_MS;
      const id = minuteMs * 4 + CSP_REGIONS.indexOf(region);
      let m = minutes.get(id);
      if (!m) minutes.set(id, (m = { minuteMs, region, requests: 0, answered: 0 }));
      m.requests += sign;
      if (isAnswered(r)) m.answered += sign;
      if (sign > 0) learnProbes(r, region);
    },
    flush() {
      for (const m of minutes.values()) if (m.requests !== 0 || m.answered !== 0) store.addActivity(m.region, m);
      minutes.clear();
    },
    poll(nowMs, statuses) {
      if (nowMs < nextPollMs) return;
      nextPollMs = nowMs + options.heartbeatPollMs;
      for (const a of statuses()) {
        if (a.status.state === 'offline' || nowMs - a.updatedAtMs > options.probeSilenceMs) continue;
        const open = beats.get(a.agentId);
        const b = open && nowMs - open.toMs <= options.probeSilenceMs ? { fromMs: open.fromMs, toMs: nowMs } : { fromMs: Math.min(a.updatedAtMs, nowMs), toMs: nowMs };
        beats.set(a.agentId, b);
        journal.add(() => (open === undefined ? beats.delete(a.agentId) : beats.set(a.agentId, open)));
        store.saveHeartbeat({ agentId: a.agentId, ...b });
      }
    },
    reload,
    committed() {
      journal.commit();
      committedNextPollMs = nextPollMs;
    },
    rolledBack() {
      journal.rollBack();
      minutes.clear();
      nextPollMs = committedNextPollMs;
    },
  };
}

/** The journey got its final response, whatever its code. */
export function isAnswered(r: JourneyRecord): boolean {
  return r.outcome === 'success' || !UNANSWERED.has(r.reason ?? '');
}
