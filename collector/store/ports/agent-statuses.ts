// Agent statuses: the last status each agent reported, as it reported it.

export interface AgentStatusRow {
  readonly agentId: string;
  readonly status: Record<string, unknown>;
  readonly updatedAtMs: number;
}

export interface AgentStatusStore {
  /** Saves an agent's status, replacing the one saved before; `nowMs` becomes its updatedAtMs. */
  upsertAgentStatus(agentId: string, status: Record<string, unknown>, nowMs: number): void;
  /** The last status of every agent, one row each, ordered by agent id. */
  agentStatuses(): AgentStatusRow[];
}
