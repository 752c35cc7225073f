// The comparison benchmarks run end to end at a tiny load and return sane figures. Timings
// are not asserted (benchmarks print them); sizes and counts are. The naive pipeline forks
// the built children under dist/bench/, which `npm test` builds first.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNaivePipeline } from '../../bench/naive-pipeline.js';
import { measureStampPath } from '../../bench/stamp-path.js';
import { measureTapLatency } from '../../bench/tap-latency.js';
import { measureWireSizes } from '../../bench/wire-size.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('comparison benchmarks at a tiny load', () => {
  it('measures stamp() and the OpenTelemetry span path with positive rates', async () => {
    const result = await measureStampPath({ hops: 20_000 });

    expect(result.hops).toBeGreaterThanOrEqual(20_000);
    expect(result.otelSpans).toBe(result.hops);
    expect(result.stampPerS).toBeGreaterThan(0);
    expect(result.stampCallNs).toBeGreaterThan(0);
    expect(result.otelSpanPerS).toBeGreaterThan(0);
  });

  it('finds full hopwatch batches smaller per hop than the same hops as OTLP and as JSON', async () => {
    const result = await measureWireSizes({ journeys: 3000 });

    expect(result.batches).toBeGreaterThan(0);
    expect(result.hopsPerBatch).toBe(4096);
    expect(result.bytesPerHop).toBeGreaterThan(0);
    expect(result.bytesPerHop).toBeLessThan(result.otlpBytesPerHop);
    expect(result.bytesPerHop).toBeLessThan(result.jsonBytesPerHop);
  });

  it('measures DUIS exchanges direct and through the tap over one interval, every tapped one stamped twice', async () => {
    const result = await measureTapLatency({ requestsPerSecond: 50, durationS: 1, warmupS: 0 });

    expect(result.direct.requests).toBeGreaterThanOrEqual(45);
    expect(result.tapped.requests).toBeGreaterThanOrEqual(45);
    expect(result.direct.failed + result.tapped.failed).toBe(0);
    // Two hops per exchange: the open-loop ones measured, and the 4 x 250 sent one at a time.
    expect(result.stamped).toBe(2 * (result.tapped.requests + 1000));
    expect(result.unstamped).toBe(0);
    expect(result.tapped.p50Ms).toBeGreaterThan(0);
    expect(result.tapCpuUsPerExchange).toBeGreaterThan(0);
    expect(result.oneAtATimeTapP50Ms).toBeGreaterThan(0);
    expect(result.tapProxyCpuUsPerExchange).toBeGreaterThan(0);
    expect(result.tapProxyCpuUsPerExchange).toBeLessThanOrEqual(result.tapCpuUsPerExchange);
    expect(result.sliceAddedP99Ms).toHaveLength(3);
    expect(result.timerLateness.sliceP99Ms).toHaveLength(3);
    expect(result.timerLateness.p99Ms).toBeGreaterThanOrEqual(0);
  });

  describe('naive pipeline', () => {
    let dir: ReturnType<typeof tempDir>;
    let server: Server;
    let broker: Aedes;
    let brokerUrl: string;

    beforeEach(async () => {
      dir = tempDir('hopwatch-naive-');
      broker = await Aedes.createBroker();
      server = createServer(broker.handle);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      brokerUrl = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      dir.cleanup();
    });

    it('stores every hop it sends through an embedded broker', async () => {
      const result = await runNaivePipeline({ brokerUrl, hopsPerSecond: 300, durationS: 2, dataDir: dir.path });

      expect(result.sentHops).toBeGreaterThan(0);
      expect(result.storedHops).toBe(result.sentHops);
      expect(result.lostHops).toBe(0);
      expect(result.hopsPerS).toBeGreaterThan(0);
    });
  });
});
