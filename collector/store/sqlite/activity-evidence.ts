// SQLite implementation of ActivityStore: metric_activity, metric_probes, metric_heartbeats.
import type Database from 'better-sqlite3';
import type { ActivityMinute, ActivityStore, Heartbeat, Probe } from '../ports/activity-evidence.js';

type ProbeRow = { agentId: string; region: string; regional: number };
const toProbe = (p: ProbeRow): Probe => ({ agentId: p.agentId, region: p.region, regional: p.regional === 1 });

export function createSqliteActivityEvidence(db: Database.Database): ActivityStore {
  const s = {
    add: db.prepare(`INSERT INTO metric_activity (minute_ms, region, requests, answered) VALUES (?, ?, ?, ?)
      ON CONFLICT (minute_ms, region) DO UPDATE SET requests = requests + excluded.requests, answered = answered + excluded.answered`),
    between: db.prepare('SELECT minute_ms AS minuteMs, requests, answered FROM metric_activity WHERE region = ? AND minute_ms >= ? AND minute_ms < ?'),
    saveProbe: db.prepare(`INSERT INTO metric_probes (agent_id, region, regional) VALUES (?, ?, ?)
      ON CONFLICT (agent_id, region) DO UPDATE SET regional = max(regional, excluded.regional)`),
    probes: db.prepare('SELECT agent_id AS agentId, region, regional FROM metric_probes'),
    probesOf: db.prepare('SELECT agent_id AS agentId, region, regional FROM metric_probes WHERE region = ?'),
    saveBeat: db.prepare('INSERT INTO metric_heartbeats (agent_id, from_ms, to_ms) VALUES (?, ?, ?) ON CONFLICT (agent_id, from_ms) DO UPDATE SET to_ms = excluded.to_ms'),
    lastBeats: db.prepare('SELECT agent_id AS agentId, max(from_ms) AS fromMs, to_ms AS toMs FROM metric_heartbeats GROUP BY agent_id'),
    overlapping: db.prepare('SELECT from_ms AS fromMs, to_ms AS toMs FROM metric_heartbeats WHERE agent_id = ? AND from_ms < ? AND to_ms > ?'),
  };
  return {
    addActivity: (region, m) => void s.add.run(m.minuteMs, region, m.requests, m.answered),
    activityBetween: (region, fromMs, toMs) => s.between.all(region, fromMs, toMs) as ActivityMinute[],
    saveProbe: (p) => void s.saveProbe.run(p.agentId, p.region, p.regional ? 1 : 0),
    probes: () => (s.probes.all() as ProbeRow[]).map(toProbe),
    probesOf: (region) => (s.probesOf.all(region) as ProbeRow[]).map(toProbe),
    saveHeartbeat: (b) => void s.saveBeat.run(b.agentId, b.fromMs, b.toMs),
    lastHeartbeats: () => s.lastBeats.all() as Heartbeat[],
    heartbeatsOverlapping: (agentId, fromMs, toMs) => s.overlapping.all(agentId, toMs, fromMs) as { fromMs: number; toMs: number }[],
  };
}
