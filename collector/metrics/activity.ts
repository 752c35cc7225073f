// The evidence availability is inferred from (MP122 §3.2.3: "a lack of activity across parts
// of the network"), kept apart from the evidence that anyone was looking:
// - activity: per CSP region and minute, requests started and requests answered (the journey
//   got its final response, whatever its code: an E1–E19 error is a valid DCC answer, so only
//   journeys that timed out or closed incomplete count against the region);
// - probes: which agents watch which region (an agent stamping CSP, CH or HAN points on a
//   region's journeys is a regional probe of it);
// - heartbeats: intervals in which each agent was alive, from the status it publishes every
//   few seconds (an agent that stops reporting makes its region unknown, not down).
import type Database from 'better-sqlite3';
import { CSP_REGIONS } from '../../proto/hop-context.js';
import { HopPoint } from '../../proto/hop-point.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { AgentStatusRow } from '../store/store.js';

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

export interface ActivityTracker {
  add(r: JourneyRecord, sign: 1 | -1): void;
  /** Writes what add() gathered this tick. */
  flush(): void;
  /** Extends the heartbeat intervals of live agents (at most every heartbeatPollMs). */
  poll(nowMs: number, statuses: () => readonly AgentStatusRow[]): void;
  reload(): void;
}

export function createActivityTracker(db: Database.Database, options: ActivityOptions): ActivityTracker {
  const s = {
    activity: db.prepare(`INSERT INTO metric_activity (minute_ms, region, requests, answered) VALUES (?, ?, ?, ?)
      ON CONFLICT (minute_ms, region) DO UPDATE SET requests = requests + excluded.requests, answered = answered + excluded.answered`),
    probe: db.prepare(`INSERT INTO metric_probes (agent_id, region, regional) VALUES (?, ?, ?)
      ON CONFLICT (agent_id, region) DO UPDATE SET regional = max(regional, excluded.regional)`),
    probes: db.prepare('SELECT agent_id AS agentId, region, regional FROM metric_probes'),
    lastBeats: db.prepare('SELECT agent_id AS agentId, max(from_ms) AS fromMs, to_ms AS toMs FROM metric_heartbeats GROUP BY agent_id'),
    beat: db.prepare('INSERT INTO metric_heartbeats (agent_id, from_ms, to_ms) VALUES (?, ?, ?) ON CONFLICT (agent_id, from_ms) DO UPDATE SET to_ms = excluded.to_ms'),
  };
  /** This tick's counts by minute × 4 + region index. */
  const minutes = new Map<number, { minuteMs: number; region: string; requests: number; answered: number }>();
  /** Known probes: agent → region → regional (1) or not (0). */
  const probes = new Map<string, Map<string, number>>();
  const beats = new Map<string, { fromMs: number; toMs: number }>();
  let nextPollMs = 0;

  const reload = () => {
    minutes.clear();
    probes.clear();
    beats.clear();
    for (const p of s.probes.all() as { agentId: string; region: string; regional: number }[]) remember(p.agentId, p.region, p.regional);
    for (const b of s.lastBeats.all() as { agentId: string; fromMs: number; toMs: number }[]) beats.set(b.agentId, { fromMs: b.fromMs, toMs: b.toMs });
  };
  reload();

  function remember(agentId: string, region: string, regional: number): void {
    let byRegion = probes.get(agentId);
    if (!byRegion) probes.set(agentId, (byRegion = new Map()));
    byRegion.set(region, regional);
  }

  const learnProbes = (r: JourneyRecord, region: string) => {
    const h = r.hops;
    for (let i = 0; i < h.points.length; i++) {
      const agentId = h.agentIds[i]!;
      const regional = REGIONAL_POINTS.has(h.points[i]!) ? 1 : 0;
      const known = probes.get(agentId)?.get(region);
      if (known !== undefined && known >= regional) continue;
      remember(agentId, region, regional);
      s.probe.run(agentId, region, regional);
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
      for (const m of minutes.values()) if (m.requests !== 0 || m.answered !== 0) s.activity.run(m.minuteMs, m.region, m.requests, m.answered);
      minutes.clear();
    },
    poll(nowMs, statuses) {
      if (nowMs < nextPollMs) return;
      nextPollMs = nowMs + options.heartbeatPollMs;
      for (const a of statuses()) {
        if (a.status.state === 'offline' || nowMs - a.updatedAtMs > options.probeSilenceMs) continue;
        const open = beats.get(a.agentId);
        const b = open && nowMs - open.toMs <= options.probeSilenceMs ? open : { fromMs: Math.min(a.updatedAtMs, nowMs), toMs: nowMs };
        b.toMs = nowMs;
        beats.set(a.agentId, b);
        s.beat.run(a.agentId, b.fromMs, b.toMs);
      }
    },
    reload,
  };
}

/** The journey got its final response, whatever its code. */
export function isAnswered(r: JourneyRecord): boolean {
  return r.outcome === 'success' || !UNANSWERED.has(r.reason ?? '');
}
