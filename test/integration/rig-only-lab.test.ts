// A field test lab with no gateway agents: a CH rig agent and a CSP gateway agent, the
// collector started with --final-points CSP_IN. Its journeys complete at CSP_IN with their HAN
// time, CH residence and CSP round trip, and two CH firmware versions compare on them.
// Hand-worked: CH residence 100 + i ms on 2.1.0 and 60 + j ms on 2.2.0 (i, j < 10): the 100
// differences are −40 + (j − i) ms, their median −40 ms; C = floor(50 − 1.96·sqrt(100·21/12)) = 24,
// and the 24th smallest is −43 ms (j − i ≤ −4 counts 21, = −3 adds 7), the 24th largest −37 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { loadCollectorConfig } from '../../collector/config.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a rig-only lab', () => {
  const dir = tempDir();
  let c: Collector;
  let rig: Agent;
  let csp: Agent;

  beforeAll(async () => {
    const config = loadCollectorConfig(undefined, {
      'final-points': 'CSP_IN', db: `${dir.path}/lab.db`, 'broker-port': '0', 'http-port': '0', 'log-level': 'silent', synchronous: 'normal',
    });
    c = await startCollector(config);
    rig = startTestAgent(dir.path, 'rig-1', c.brokerUrl);
    csp = startTestAgent(dir.path, 'csp-1', c.brokerUrl);
    const t0 = Date.now() * 1000 - 60_000_000;
    for (let n = 0; n < 20; n++) {
      const firmware = n < 10 ? '2.1.0' : '2.2.0';
      const chResidenceUs = ((n < 10 ? 100 : 60) + (n % 10)) * 1000;
      const key = journeyKey(keyText(7000 + n));
      const t = t0 + n * 1_000_000;
      csp.record(key, HopPoint.CSP_OUT, t, { srv: '4.1.1', cspRegion: 'SOUTH' });
      rig.record(key, HopPoint.CH_IN, t + 200_000, { chFirmwareVersion: firmware, deviceModel: 'ESME-X' });
      rig.record(key, HopPoint.HAN_OUT, t + 220_000);
      rig.record(key, HopPoint.HAN_IN, t + 1_220_000);
      rig.record(key, HopPoint.CH_OUT, t + 1_200_000 + chResidenceUs);
      csp.record(key, HopPoint.CSP_IN, t + 1_500_000 + chResidenceUs);
    }
    await Promise.all([rig.drained(10_000), csp.drained(10_000)]);
    await waitFor(() => c.store.listJourneys({ limit: 100 }).length === 20, 10_000, '20 records');
  });
  afterAll(async () => {
    await rig.close();
    await csp.close();
    await c.close();
    dir.cleanup();
  });

  it('takes --final-points from the command line', () => {
    expect(loadCollectorConfig(undefined, { 'final-points': 'CSP_IN, ALERT_CSP_IN' }).join.finalPoints).toEqual(['CSP_IN', 'ALERT_CSP_IN']);
    expect(() => loadCollectorConfig(undefined, { 'final-points': 'CSP_OUTT' })).toThrow(/join\.finalPoints\.0 = "CSP_OUTT" \(from flag --final-points\)|finalPoints/);
  });

  it('completes journeys at CSP_IN as answered, with HAN time, CH residence and CSP round trip', () => {
    const [j] = c.store.listJourneys({ limit: 1, chFirmwareVersion: '2.2.0' });
    expect(j).toMatchObject({ outcome: 'success', srv: '4.1.1' });
    expect(j!.figures).toEqual({ hanUs: 1_000_000, chResidenceUs: 69_000, cspRoundTripUs: 1_569_000 });
    expect(j!.reason).toBeUndefined();
  });

  it('compares two CH firmware versions on CH residence', async () => {
    const res = await c.http.inject({ method: 'GET', url: '/api/v1/compare?dimension=chFirmwareVersion&a=2.1.0&b=2.2.0&figure=chResidenceUs&srv=4.1.1' });
    const [row] = res.json().rows;
    expect(row.shiftUs).toEqual({ estimate: -40_000, lower: -43_000, upper: -37_000, thinned: false });
    expect(row.verdict).toBe('2.2.0 is 40 ms faster than 2.1.0, 95 % CI 37–43 ms');
    expect(row.a).toMatchObject({ volume: 10, measured: 10, medianUs: 104_500 });
  });
});
