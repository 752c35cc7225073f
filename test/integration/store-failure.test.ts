// A store that fails for a while (a full disk), with real agents resending what was not
// acknowledged: nothing of a failed tick may stay in the joiner's or the metric engine's memory.
import sinon from 'sinon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const JOURNEYS = 60;
/** How long the store fails: long enough for every batch to be resent several times. */
const FAILING_MS = 30_000;
const nowUs = () => Date.now() * 1000;

describe('collector store failing for 30 s', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  const agents: Agent[] = [];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    sinon.restore();
    for (const a of agents.splice(0)) await a.close();
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  it('stores every journey exactly once, with its full figures, once the store works again', async () => {
    collector = await startTestCollector(dir.path);
    const [gw, csp, rig] = ['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, collector!.brokerUrl));
    agents.push(gw!, csp!, rig!);
    const t0 = nowUs();
    const key = (j: number) => journeyKey(keyText(7000 + j));
    // Everything but the final response is stored before the disk fills.
    for (let j = 0; j < JOURNEYS; j++) {
      const t = t0 + j * 1000;
      gw!.record(key(j), HopPoint.UG_IN, t, { srv: '4.1.1' });
      csp!.record(key(j), HopPoint.CSP_OUT, t + 200_000, { cspRegion: 'SOUTH' });
      rig!.record(key(j), HopPoint.CH_IN, t + 900_000, { deviceType: 'ESME' });
      rig!.record(key(j), HopPoint.HAN_OUT, t + 950_000);
      rig!.record(key(j), HopPoint.HAN_IN, t + 1_950_000);
      rig!.record(key(j), HopPoint.CH_OUT, t + 2_000_000);
      csp!.record(key(j), HopPoint.CSP_IN, t + 2_600_000);
    }
    await Promise.all(agents.map((a) => a.drained(10_000)));
    expect(collector.joiner.openCount).toBe(JOURNEYS);

    const writeTick = sinon.stub(collector.store, 'writeTick').throws(new Error('SQLITE_FULL: database or disk is full'));
    for (let j = 0; j < JOURNEYS; j++) gw!.record(key(j), HopPoint.UG_OUT, t0 + j * 1000 + 3_000_000 + j, { code: 'I0' });
    // The final responses close every journey in ticks that fail; the gateway sends them again
    // once their acks are overdue (nothing new is recorded meanwhile).
    await waitFor(() => collector!.ingest.counters.storeFailures > 0, 10_000, 'a failed tick');
    const failingSince = Date.now();
    const sentOnce = gw!.status().forward.published;
    await waitFor(() => gw!.status().forward.published > sentOnce && collector!.ingest.counters.storeFailures >= 3, 15_000, 'resends into the failing store');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, FAILING_MS - (Date.now() - failingSince))));
    expect(collector.store.listJourneys({ limit: 10 })).toEqual([]);
    expect(gw!.status().forward.published).toBeGreaterThan(sentOnce);
    writeTick.restore();
    await gw!.drained(15_000);

    const records = await waitFor(() => {
      const r = collector!.store.listJourneys({ limit: 10 * JOURNEYS });
      return r.length >= JOURNEYS && collector!.joiner.openCount === 0 && r;
    }, 10_000, `${JOURNEYS} records`);
    expect(records).toHaveLength(JOURNEYS);
    expect(new Set(records.map((r) => r.key)).size).toBe(JOURNEYS);
    for (const r of records) {
      const j = Number(r.key.split(':')[2]) - 7000;
      expect(r).toMatchObject({ srv: '4.1.1', outcome: 'success', code: 'I0', amendments: 0 });
      // As stamped, within each figure's bound (the agents' clocks may be known by now).
      const truth = { rttUs: 3_000_000 + j, hanUs: 1_000_000, dccUs: 2_000_000 + j, cspRoundTripUs: 2_400_000 } as const;
      for (const [name, us] of Object.entries(truth) as [keyof typeof truth, number][]) {
        expect(Math.abs(r.figures[name]! - us)).toBeLessThanOrEqual(r.figureUncertaintyUs[name]!);
      }
    }
    const rsvp = (await (await fetch(`${collector.httpUrl}/api/v1/rsvp?granularity=day`)).json()) as { rows: { srv: string; volume: number; successes: number }[] };
    expect(rsvp.rows).toEqual([expect.objectContaining({ srv: '4.1.1', volume: JOURNEYS, successes: JOURNEYS })]);
  }, 120_000);
});
