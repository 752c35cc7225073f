// PostgreSQL implementation of ActivityStore: metric_activity, metric_probes, metric_heartbeats.
import type { ActivityMinute, ActivityStore, Heartbeat, Probe } from '../ports/activity-evidence.js';
import type { SyncPostgres } from './sync-postgres.js';

const PROBE = 'agent_id AS "agentId", region, regional';

export function createPostgresActivityEvidence(db: SyncPostgres): ActivityStore {
  return {
    addActivity: (region, m) => void db.query(`INSERT INTO metric_activity (minute_ms, region, requests, answered) VALUES ($1, $2, $3, $4)
      ON CONFLICT (minute_ms, region) DO UPDATE SET requests = metric_activity.requests + excluded.requests, answered = metric_activity.answered + excluded.answered`,
    [m.minuteMs, region, m.requests, m.answered]),
    activityBetween: (region, fromMs, toMs) => db.query<ActivityMinute>(`SELECT minute_ms AS "minuteMs", requests, answered FROM metric_activity
      WHERE region = $1 AND minute_ms >= $2 AND minute_ms < $3 ORDER BY minute_ms`, [region, fromMs, toMs]),
    saveProbe: (p) => void db.query(`INSERT INTO metric_probes (agent_id, region, regional) VALUES ($1, $2, $3)
      ON CONFLICT (agent_id, region) DO UPDATE SET regional = metric_probes.regional OR excluded.regional`, [p.agentId, p.region, p.regional]),
    probes: () => db.query<Probe>(`SELECT ${PROBE} FROM metric_probes ORDER BY agent_id, region`),
    probesOf: (region) => db.query<Probe>(`SELECT ${PROBE} FROM metric_probes WHERE region = $1 ORDER BY agent_id`, [region]),
    saveHeartbeat: (b) => void db.query(`INSERT INTO metric_heartbeats (agent_id, from_ms, to_ms) VALUES ($1, $2, $3)
      ON CONFLICT (agent_id, from_ms) DO UPDATE SET to_ms = excluded.to_ms`, [b.agentId, b.fromMs, b.toMs]),
    lastHeartbeats: () => db.query<Heartbeat>(`SELECT DISTINCT ON (agent_id) agent_id AS "agentId", from_ms AS "fromMs", to_ms AS "toMs"
      FROM metric_heartbeats ORDER BY agent_id, from_ms DESC`),
    heartbeatsOverlapping: (agentId, fromMs, toMs) => db.query<{ fromMs: number; toMs: number }>(`SELECT from_ms AS "fromMs", to_ms AS "toMs" FROM metric_heartbeats
      WHERE agent_id = $1 AND from_ms < $2 AND to_ms > $3 ORDER BY from_ms`, [agentId, toMs, fromMs]),
  };
}
