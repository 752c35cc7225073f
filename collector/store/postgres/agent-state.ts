// Agent statuses and clock models on PostgreSQL (ports/agent-statuses.ts, ports/clock-models.ts),
// both as the JSON text the SQLite store keeps, so they read back exactly as saved.
import type { ClockModelState } from '../../clock/clock-model.js';
import type { AgentStatusRow, AgentStatusStore } from '../ports/agent-statuses.js';
import type { ClockModelStore } from '../ports/clock-models.js';
import type { SyncPostgres } from './sync-postgres.js';

export function createPostgresAgentState(db: SyncPostgres): AgentStatusStore & ClockModelStore {
  return {
    upsertAgentStatus: (agentId, status, nowMs) => void db.query(`INSERT INTO agents (agent_id, status, updated_at_ms) VALUES ($1, $2, $3)
      ON CONFLICT (agent_id) DO UPDATE SET status = excluded.status, updated_at_ms = excluded.updated_at_ms`, [agentId, JSON.stringify(status), nowMs]),
    agentStatuses: () => db.query<{ agentId: string; status: string; updatedAtMs: number }>(
      'SELECT agent_id AS "agentId", status, updated_at_ms AS "updatedAtMs" FROM agents ORDER BY agent_id COLLATE "C"',
    ).map((r): AgentStatusRow => ({ agentId: r.agentId, status: JSON.parse(r.status) as Record<string, unknown>, updatedAtMs: r.updatedAtMs })),
    saveClockModel: (agentId, state, nowMs) => void db.query(`INSERT INTO agent_clocks (agent_id, model, updated_at_ms) VALUES ($1, $2, $3)
      ON CONFLICT (agent_id) DO UPDATE SET model = excluded.model, updated_at_ms = excluded.updated_at_ms`, [agentId, JSON.stringify(state), nowMs]),
    clockModels: () => db.query<{ agentId: string; model: string }>('SELECT agent_id AS "agentId", model FROM agent_clocks')
      .map((r) => ({ agentId: r.agentId, state: JSON.parse(r.model) as ClockModelState })),
  };
}
