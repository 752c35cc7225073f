// The exporter's queue and retries, with a scripted transport standing in for the network's
// faults: only committed records go out, a full queue drops and counts, retryable outcomes are
// retried with growing jittered delays and a refusal is not.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../common/logger.js';
import { waitFor } from '../../../../../common/wait-for.js';
import { loadCatalogue } from '../../../../../collector/catalogue/catalogue.js';
import type { SendOutcome, Transport } from '../../../../../collector/export/otlp/http-transport.js';
import { createOtlpExporter, type OtlpExporter } from '../../../../../collector/export/otlp/otlp-exporter.js';
import { backoffMs } from '../../../../../collector/export/otlp/retrying-send.js';
import { buildRecord } from '../../../../../collector/join/journey-record.js';
import type { RecordWrite } from '../../../../../collector/join/joiner.js';
import { JoinKey } from '../../../../../collector/join/join-key.js';
import { OtlpExportTraceRequest } from '../../../../../proto/otlp.js';
import { HopPoint } from '../../../../../proto/hop-point.js';
import { keyText } from '../../../../helpers/batches.js';

const catalogue = loadCatalogue();

function write(counter: number, amendments = 0): RecordWrite {
  const key = keyText(counter);
  const hops = { points: [HopPoint.UG_IN, HopPoint.UG_OUT], agentIds: ['gw', 'gw'], times: [1e15, 1e15 + 500_000], codes: [undefined, 'I0'] };
  return { record: buildRecord({ key, hops, context: { srv: '4.1.1' }, cause: 'final', amendments }, catalogue), joinKey: JoinKey.parse(key)! };
}

/** Answers each send with the next scripted outcome (then success), keeping the keys it carried. */
function scriptedTransport(outcomes: SendOutcome[]): Transport & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    send(body) {
      const spans = OtlpExportTraceRequest.decode(body).resourceSpans![0]!.scopeSpans![0]!.spans!;
      sent.push(spans.filter((s) => !s.parentSpanId?.length).map((s) => String(s.attributes!.find((a) => a.key === 'hopwatch.key')!.value!.stringValue)));
      return Promise.resolve(outcomes.shift() ?? { status: 'success' });
    },
    close() {},
  };
}

const options = { maxQueueSize: 4, maxBatchSize: 2, flushIntervalMs: 5, serviceName: 'hopwatch', logger: silentLogger, retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 4 } };
/** Waits until `n` journeys have been exported or given up on. */
const settled = (exporter: OtlpExporter, n: number) => waitFor(() => exporter.counters.exported + exporter.counters.failed >= n, 5000, `${n} journeys settled`);

describe('OTLP exporter', () => {
  it('exports records only once their transaction has committed', async () => {
    const transport = scriptedTransport([]);
    const exporter = createOtlpExporter({ ...options, transport });
    exporter.sink.onRecords([write(1)], 0);
    exporter.sink.rolledBack();
    exporter.sink.onRecords([write(2)], 0);
    exporter.sink.committed();
    await settled(exporter, 1);
    expect(transport.sent).toEqual([[keyText(2)]]);
    expect(exporter.counters.exported).toBe(1);
    await exporter.close();
  });

  it('drops and counts records beyond the queue bound', async () => {
    const transport = scriptedTransport([]);
    const exporter = createOtlpExporter({ ...options, transport });
    exporter.sink.onRecords([1, 2, 3, 4, 5, 6, 7].map(write), 0);
    exporter.sink.committed();
    // A tick's records join the queue before any is sent: four fit, three are dropped.
    expect(exporter.counters.dropped).toBe(3);
    await settled(exporter, 4);
    expect(transport.sent).toEqual([[keyText(1), keyText(2)], [keyText(3), keyText(4)]]);
    expect(exporter.counters.exported).toBe(4);
    await exporter.close();
  });

  it('sends a journey amended while it waited once, as last written', async () => {
    const transport = scriptedTransport([]);
    const exporter = createOtlpExporter({ ...options, transport, maxBatchSize: 3 });
    exporter.sink.onRecords([write(1), write(2), write(1, 1)], 0);
    exporter.sink.committed();
    await settled(exporter, 3);
    expect(transport.sent).toEqual([[keyText(2), keyText(1)]]);
    await exporter.close();
  });

  it('retries a retryable outcome and gives up on a refusal', async () => {
    const transport = scriptedTransport([
      { status: 'retryable', reason: 'HTTP 503' }, { status: 'success' },
      { status: 'failure', reason: 'HTTP 400' },
    ]);
    const exporter = createOtlpExporter({ ...options, transport, maxBatchSize: 1 });
    exporter.sink.onRecords([write(1), write(2)], 0);
    exporter.sink.committed();
    await settled(exporter, 2);
    expect(transport.sent).toEqual([[keyText(1)], [keyText(1)], [keyText(2)]]);
    expect(exporter.counters).toMatchObject({ exported: 1, failed: 1, retries: 1 });
    await exporter.close();
  });

  it('counts a batch as failed after its last attempt', async () => {
    const busy: SendOutcome = { status: 'retryable', reason: 'HTTP 503' };
    const transport = scriptedTransport([busy, busy, busy]);
    const exporter = createOtlpExporter({ ...options, transport });
    exporter.sink.onRecords([write(1)], 0);
    exporter.sink.committed();
    await settled(exporter, 1);
    expect(transport.sent).toHaveLength(3);
    expect(exporter.counters).toMatchObject({ exported: 0, failed: 1, retries: 2 });
    await exporter.close();
  });

  it('backs off exponentially to a ceiling, with half of each delay random', () => {
    const policy = { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a, 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a, 0.999_999))).toEqual([100, 200, 400, 800, 1000].map((v) => expect.closeTo(v, 2)));
    expect(backoffMs(policy, 1, 0, 700)).toBe(700);
    expect(backoffMs(policy, 1, 0, 60_000)).toBe(1000);
  });
});
