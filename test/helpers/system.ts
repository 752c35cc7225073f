// Real parts on loopback for integration tests: a collector with its embedded broker and a
// SQLite file, and agents with their SQLite buffers, all in a temp directory.
import { join } from 'node:path';
import { createAgent, type Agent } from '../../agent/agent.js';
import type { Clock } from '../../common/clock.js';
import { agentDefaults, type AgentConfig } from '../../agent/config.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { collectorDefaults, type CollectorConfig } from '../../collector/config.js';
import type { RecordWrite } from '../../collector/join/joiner.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends readonly unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    const b = (base as Record<string, unknown>)[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b, v as DeepPartial<unknown>) : v;
  }
  return out as T;
}

export function testCollectorConfig(dir: string, over?: DeepPartial<CollectorConfig>): CollectorConfig {
  return merge(collectorDefaults, merge<DeepPartial<CollectorConfig>>({
    broker: { port: 0 },
    http: { port: 0 },
    store: { file: join(dir, 'collector.db'), synchronous: 'normal' },
    logLevel: 'silent',
  }, over) as DeepPartial<CollectorConfig>);
}

export function startTestCollector(dir: string, over?: DeepPartial<CollectorConfig>, nowMs?: () => number): Promise<Collector> {
  return startCollector(testCollectorConfig(dir, over), nowMs ? { nowMs } : {});
}

export function testAgentConfig(dir: string, agentId: string, brokerUrl: string, over?: DeepPartial<AgentConfig>): AgentConfig {
  return merge(agentDefaults, merge<DeepPartial<AgentConfig>>({
    agentId,
    broker: { url: brokerUrl },
    buffer: { file: join(dir, `${agentId}.buffer.db`) },
    batch: { flushIntervalMs: 20 },
    // close() waits for acks at most this long: a test whose collector never acknowledges stays quick.
    forward: { ackTimeoutMs: 2000, reconnectInitialMs: 50, reconnectMaxMs: 500, closeTimeoutMs: 1000 },
    intake: { udpPort: 0, httpPort: 0 },
    logLevel: 'silent',
  }, over) as DeepPartial<AgentConfig>);
}

export function startTestAgent(dir: string, agentId: string, brokerUrl: string, over?: DeepPartial<AgentConfig>, clock?: Clock): Agent {
  return createAgent(testAgentConfig(dir, agentId, brokerUrl, over), clock ? { clock } : {});
}

/** Stores `writes` and feeds them to the metric engine in one transaction, as an ingest tick at `nowMs` does. */
export function writeThroughIngest(c: Collector, writes: readonly RecordWrite[], nowMs: number): void {
  c.store.transaction(() => {
    c.store.writeTick({ records: writes, closedOpenKeys: [] }, nowMs);
    c.metricEngine.sink.onRecords(writes, nowMs);
  });
  c.metricEngine.sink.committed();
}
