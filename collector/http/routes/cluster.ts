// GET /api/v1/cluster: the collectors sharing the store, the partitions each holds, their lease
// ages and lags (collector/cluster/cluster-state.ts). A collector that takes no part in
// partition leases answers 404.
import type { FastifyInstance } from 'fastify';
import type { ClusterState } from '../../cluster/cluster-state.js';
import { errorSchema } from './schemas.js';

const integer = { type: 'integer' } as const;
const object = (properties: Record<string, unknown>, description?: string) => ({ type: 'object', properties, ...(description !== undefined && { description }) });
const partitions = { type: 'array', items: integer } as const;

const leaseSchema = object({
  partition: integer, epoch: { type: 'integer', description: 'raised by every acquisition: the fence a commit checks' },
  heldForMs: { type: 'integer', description: 'since this owner took the lease' }, renewedAgoMs: integer,
  expiresInMs: { type: 'integer', description: 'until the lease runs out unless renewed' },
});
const lagSchema = object({
  partition: integer,
  lagMs: { type: 'number', description: 'now minus the receipt of the oldest batch of the partition not committed yet (0: caught up)' },
  queuedBatches: integer,
});
const memberSchema = object({
  id: { type: 'string' }, address: { type: 'string' },
  self: { type: 'boolean', description: 'the collector that answered' },
  live: { type: 'boolean', description: 'seen within the lease ttl' },
  startedAt: { type: 'string', format: 'date-time' }, lastSeenAgoMs: integer,
  partitions, leases: { type: 'array', items: leaseSchema },
  lag: { type: 'array', items: lagSchema, description: 'as the member reported it with its last renewal' },
});

export function clusterRoutes(app: FastifyInstance, cluster: (() => ClusterState) | undefined): void {
  app.get('/api/v1/cluster', {
    schema: {
      response: {
        200: object({
          self: { type: 'string' }, partitionCount: integer, heartbeatMs: integer, ttlMs: integer,
          takeoverBoundMs: { type: 'integer', description: 'ttl + heartbeat: how long a dead member\'s partitions stay without an owner at most' },
          members: { type: 'array', items: memberSchema },
          unowned: { ...partitions, description: 'partitions without a live lease: free, or run out and not taken yet' },
        }),
        404: errorSchema,
      },
    },
  }, async (_req, reply) => (cluster === undefined
    ? reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: 'this collector takes no part in partition leases' })
    : cluster()));
}
