// The agent's buffer on a disk that fills up while batches are stored and acknowledgements
// arrive: the agent stays up, keeps stamping, drops and counts what it cannot store, keeps the
// acknowledged batches it cannot delete, and once space returns delivers everything it stored
// exactly once.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { freePort } from '../../bench/mosquitto.js';
import { keyText } from '../helpers/batches.js';
import { mountSmallDisk, type FullDisk } from '../../bench/full-disk.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('agent on a full disk', () => {
  let dir: ReturnType<typeof tempDir>;
  let disk: FullDisk | undefined;
  let agent: Agent | undefined;
  let collector: Collector | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await agent?.close();
    await collector?.close();
    disk?.cleanup();
    dir.cleanup();
  });

  it('survives, keeps stamping, counts exactly, and delivers everything it stored exactly once when space returns', async () => {
    disk = mountSmallDisk(4 * 1024 * 1024);
    expect(disk, 'mounting a tmpfs needs root or CAP_SYS_ADMIN').toBeDefined();
    const port = await freePort();
    // Nothing listens yet: the agent buffers what it stamps.
    agent = startTestAgent(disk!.path, 'rig', `mqtt://127.0.0.1:${port}`, {
      buffer: { file: join(disk!.path, 'rig.buffer.db') },
      // A collector's first acks can take two seconds while it warms up: no resend meanwhile,
      // so that any batch it sees twice was sent again because of the full disk.
      forward: { ackTimeoutMs: 10_000 },
    });
    const t0 = (Date.now() - 60_000) * 1000;
    let next = 0;
    const stampJourneys = (n: number) => {
      for (let j = 0; j < n; j++, next++) {
        const key = journeyKey(keyText(1_000_000 + next));
        agent!.record(key, HopPoint.UG_IN, t0 + next * 10, { srv: '4.8.1' });
        agent!.record(key, HopPoint.UG_OUT, t0 + next * 10 + 5, { code: 'I0' });
      }
      agent!.flush();
    };

    stampJourneys(5000);
    expect(agent.status().buffer.hops).toBe(10_000);

    disk!.fill();
    stampJourneys(3000);
    expect(agent.status().writeFailedHops).toBe(6000);
    expect(agent.status().buffer.hops).toBe(10_000);

    // The collector comes up: its acks arrive while the disk is still full.
    collector = await startTestCollector(dir.path, { broker: { port } });
    await waitFor(() => collector!.ingest.counters.hopsStored === 10_000, 10_000, 'the stored hops at the collector');
    await waitFor(() => agent!.status().buffer.removeFailures > 0 && agent!.status().buffer.pendingRemovals > 0, 10_000, 'deletes failing on the full disk');
    stampJourneys(1000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const full = agent.status();
    expect(full.writeFailedHops).toBe(8000);
    expect(full.buffer.hops).toBe(10_000);
    expect(full.forward).toMatchObject({ inFlight: 0, published: 3, duplicates: 0 });

    disk!.free();
    stampJourneys(2000);
    await agent.drained(15_000);

    const after = agent.status();
    expect(after.stamped).toBe(22_000);
    expect(after.writeFailedHops).toBe(8000);
    expect(after.buffer).toMatchObject({ batches: 0, hops: 0, bytes: 0, droppedHops: 0, pendingRemovals: 0, forgottenRemovals: 0 });
    expect(collector.ingest.counters.hopsStored).toBe(14_000);
    expect(collector.ingest.counters.batchesDuplicate).toBe(0);
  });
});
