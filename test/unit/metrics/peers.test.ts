// A party against anonymised peers in its User Role and the industry (MP176, "Business
// process reporting"): peers are labelled only "Peer n", and withheld, row by row, when too few.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peerReport, type PeerQuery } from '../../../collector/metrics/peers.js';
import { harness, PARTY_A, PARTY_B, request, type Harness } from './harness.js';

const PARTY_C = '90-B3-D5-1F-30-03-00-00';
const PARTY_D = '90-B3-D5-1F-30-04-00-00';
const DNO = '90-B3-D5-1F-30-05-00-00';

describe('peer benchmarking', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  const query = (party: string): PeerQuery => {
    const [fromMs, toMs] = h.engine.source.calendar.monthRange('2026-10');
    return { party, fromMs, toMs, period: 'total', by: 'srv', filters: {} };
  };
  let minute = 0;
  const send = (party: string, rttMs: number, code = 'I0', userRole = 'IS', srv = '4.1.1') => {
    const at = `2026-10-05T09:${String(minute++).padStart(2, '0')}:00Z`;
    h.write([request({ at, srv, party, rttMs, code, context: { userRole } }, h.catalogue)]);
  };
  /** Import Suppliers A (RTT 2 s), B (4 s, one failure), C (3 s), D (5 s); a network operator in another role. */
  const traffic = () => {
    minute = 0;
    send(PARTY_A, 2000);
    send(PARTY_A, 2000);
    send(PARTY_B, 4000);
    send(PARTY_B, 4000, 'E20');
    send(PARTY_C, 3000);
    send(PARTY_D, 5000);
    send(DNO, 1000, 'I0', 'ED');
  };

  it('shows the party, its peers as Peer 1..n ranked by success then median RTT, and the industry', () => {
    traffic();
    const report = peerReport(h.engine.source, query(PARTY_A), 3);
    expect(report).toMatchObject({ party: PARTY_A, userRole: 'IS', peers: 3, withheld: false });
    const [row] = report.rows;
    expect(row!.series.map((s) => [s.series, s.volume, s.successRatePct, s.rttMedianUs])).toEqual([
      ['You', 2, 100, 2e6],
      ['Peer 1', null, 100, 3e6], // C
      ['Peer 2', null, 100, 5e6], // D
      ['Peer 3', null, 50, 4e6], // B
      ['Industry', 6, (100 * 5) / 6, 3.5e6], // RTTs 2 2 3 4 4 5 s
    ]);
  });

  it('never names another party', () => {
    traffic();
    const text = JSON.stringify(peerReport(h.engine.source, query(PARTY_A), 3));
    for (const other of [PARTY_B, PARTY_C, PARTY_D, DNO]) expect(text).not.toContain(other);
  });

  it('withholds peers and the industry figure when the role has fewer parties than minPeers', () => {
    traffic();
    const report = peerReport(h.engine.source, query(PARTY_A), 4);
    expect(report.withheld).toBe(true);
    expect(report.rows[0]!.withheld).toBe(true);
    expect(report.rows[0]!.series.map((s) => s.series)).toEqual(['You']);
  });

  it('withholds a row with fewer than minPeers peers in it, though the role has enough (MP176: peers stay anonymous)', () => {
    traffic();
    // On 8.1.1 only B has data besides A: shown, Industry (volume 2) less You (1) would be B's volume.
    send(PARTY_A, 2000, 'I0', 'IS', '8.1.1');
    send(PARTY_B, 6000, 'I0', 'IS', '8.1.1');
    const report = peerReport(h.engine.source, query(PARTY_A), 3);
    // B over the report: 2 successes of 3, still below C and D (all successes), so still Peer 3.
    expect(report).toMatchObject({ peers: 3, withheld: false });
    const row = (srv: string) => report.rows.find((r) => r.scope === srv)!;
    expect(row('4.1.1').withheld).toBe(false);
    expect(row('4.1.1').series.map((s) => [s.series, s.volume, s.successRatePct, s.rttMedianUs])).toEqual([
      ['You', 2, 100, 2e6],
      ['Peer 1', null, 100, 3e6], // C
      ['Peer 2', null, 100, 5e6], // D
      ['Peer 3', null, 50, 4e6], // B
      ['Industry', 6, (100 * 5) / 6, 3.5e6],
    ]);
    expect(row('8.1.1').withheld).toBe(true);
    expect(row('8.1.1').series.map((s) => [s.series, s.volume, s.successRatePct, s.rttMedianUs])).toEqual([['You', 1, 100, 2e6]]);
  });

  it('refuses a party with no requests on record', () => {
    traffic();
    expect(() => peerReport(h.engine.source, query('90-B3-D5-1F-30-09-00-00'), 3)).toThrow(/has no requests/);
  });
});
