// What a clustered collector process answers on GET /api/v1/cluster.
import { expect } from 'vitest';
import type { CollectorProcess } from '../../bench/collector-process.js';
import type { ClusterState } from '../../collector/cluster/cluster-state.js';

export async function clusterOf(c: CollectorProcess): Promise<ClusterState> {
  const res = await fetch(`${c.httpUrl}/api/v1/cluster`);
  expect(res.status).toBe(200);
  return (await res.json()) as ClusterState;
}
