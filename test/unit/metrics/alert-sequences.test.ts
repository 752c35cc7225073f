// Alert sequences per device (MP176 Alert reporting; MP122 DF2), worked by hand: N42 within
// seven days of an N16 per Energy Supplier, Power Outage Alerts with no later Power Restoration
// Alert, and 0x8F72 / 0x8F1C (or neither) within the 11.1 TRT after an 11.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsAfterIdentity, failureLinks, firmwareVerification, outagesWithoutRestoration, type SequenceQuery } from '../../../collector/metrics/alert-sequences.js';
import { alert, harness, PARTY_A, PARTY_B, request, writeOf, type Harness } from './harness.js';

const DNO = '90-B3-D5-1F-30-05-00-00';
const dev = (n: number) => `00-DB-12-34-56-78-90-${n.toString(16).toUpperCase().padStart(2, '0')}`;
const DAY = 86_400_000;

describe('alert sequences', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  const raise = (code: string, at: string, device: number, user = DNO) => h.write([alert({ at, code, deliveryMs: 2000, user, device: dev(device) }, h.catalogue)]);
  const send = (srv: string, at: string, device: number, party = PARTY_A, code = 'I0', userRole = 'IS') =>
    h.write([request({ at, srv, party, device: dev(device), code, context: { userRole } }, h.catalogue)]);
  const october = (over: Partial<SequenceQuery> = {}): SequenceQuery => {
    const [fromMs, toMs] = h.engine.source.calendar.monthRange('2026-10');
    return { fromMs, toMs, granularity: 'month', nowMs: toMs + 30 * DAY, ...over };
  };

  describe('N42 within seven days after an N16, per Energy Supplier', () => {
    it('counts an N42 at most seven days later as within, a later one or none as missed', () => {
      send('4.1.1', '2026-10-01T08:00:00Z', 1, PARTY_A); // A supplies devices 1 and 2
      send('4.1.1', '2026-10-01T08:00:00Z', 2, PARTY_A);
      send('4.1.1', '2026-10-01T08:00:00Z', 3, PARTY_B); // B supplies device 3
      for (const d of [1, 2, 3]) send('4.8.1', '2026-10-01T09:00:00Z', d, DNO, 'I0', 'ED'); // the DNO reads all three
      raise('N16', '2026-10-02T00:00:00Z', 1);
      raise('N42', '2026-10-09T00:00:00Z', 1); // exactly 7 days: within
      raise('N16', '2026-10-02T00:00:00Z', 2);
      raise('N42', '2026-10-09T00:00:01Z', 2); // 1 s late: missed
      raise('N16', '2026-10-03T00:00:00Z', 3);
      raise('N42', '2026-10-04T00:00:00Z', 3); // within
      raise('N42', '2026-10-05T00:00:00Z', 4); // no N16: not counted
      expect(credentialsAfterIdentity(h.engine.source, october())).toEqual([
        { period: '2026-10', party: DNO, supplier: PARTY_A, identityAlerts: 2, withinSla: 1, missed: 1, open: 0, withinSlaPct: 50, slaSeconds: 604_800 },
        { period: '2026-10', party: DNO, supplier: PARTY_B, identityAlerts: 1, withinSla: 1, missed: 0, open: 0, withinSlaPct: 100, slaSeconds: 604_800 },
      ]);
    });

    it('leaves an N16 whose seven days have not passed open, and names no supplier no journey reached', () => {
      raise('N16', '2026-10-30T00:00:00Z', 7);
      const [row] = credentialsAfterIdentity(h.engine.source, october({ nowMs: Date.parse('2026-11-02T00:00:00Z') }));
      expect(row).toMatchObject({ supplier: null, identityAlerts: 1, withinSla: 0, missed: 0, open: 1, withinSlaPct: null });
    });

    it('names another supplier only to the device\'s Electricity Distributor', () => {
      send('4.1.1', '2026-10-01T08:00:00Z', 1, PARTY_B);
      send('4.1.1', '2026-10-01T08:00:00Z', 2, PARTY_A);
      raise('N16', '2026-10-02T00:00:00Z', 1, PARTY_A);
      raise('N16', '2026-10-02T00:00:00Z', 2, PARTY_A);
      expect(credentialsAfterIdentity(h.engine.source, october()).map((r) => r.supplier)).toEqual([PARTY_A, 'another supplier']);
    });

    it('does not take an N42 addressed to another party, or one before the N16', () => {
      raise('N42', '2026-10-01T00:00:00Z', 1);
      raise('N16', '2026-10-02T00:00:00Z', 1);
      raise('N42', '2026-10-03T00:00:00Z', 1, PARTY_B);
      expect(credentialsAfterIdentity(h.engine.source, october({ party: DNO }))[0]).toMatchObject({ withinSla: 0, missed: 1 });
    });
  });

  describe('Power Outage Alerts without a later Power Restoration Alert', () => {
    it('restores an outage by the first restoration before the device\'s next outage, and lists the rest', () => {
      raise('PO1', '2026-10-05T10:00:00Z', 1);
      raise('PR1', '2026-10-05T10:30:00Z', 1); // restores the 10:00 outage
      raise('PO1', '2026-10-06T10:00:00Z', 1); // followed by another outage before any restoration
      raise('PO1', '2026-10-06T11:00:00Z', 1);
      raise('PR1', '2026-11-01T10:00:00Z', 1); // restores the 11:00 one, after the period
      raise('PO1', '2026-10-07T10:00:00Z', 2); // never restored
      raise('PR1', '2026-10-07T09:00:00Z', 2); // before it: does not count
      const report = outagesWithoutRestoration(h.engine.source, october());
      expect(report.rows).toEqual([{ period: '2026-10', party: DNO, outages: 4, restored: 2, unrestored: 2, unrestoredPct: 50 }]);
      expect(report.unrestored).toEqual([
        { party: DNO, device: dev(1), at: '2026-10-06T10:00:00.000Z' },
        { party: DNO, device: dev(2), at: '2026-10-07T10:00:00.000Z' },
      ]);
    });

    it('splits by day', () => {
      raise('PO1', '2026-10-05T10:00:00Z', 1);
      raise('PO1', '2026-10-06T10:00:00Z', 2);
      raise('PR1', '2026-10-06T10:05:00Z', 2);
      expect(outagesWithoutRestoration(h.engine.source, october({ granularity: 'day' })).rows.map((r) => [r.period, r.outages, r.unrestored])).toEqual([
        ['2026-10-05', 1, 1], ['2026-10-06', 1, 0],
      ]);
    });
  });

  describe('firmware image verification after 11.1', () => {
    it('takes the first 0x8F72 or 0x8F1C within the 11.1 TRT of five days, and lists devices with neither', () => {
      send('11.1', '2026-10-01T00:00:00Z', 1);
      raise('0x8F72', '2026-10-02T00:00:00Z', 1, PARTY_A); // verified
      raise('0x8F1C', '2026-10-03T00:00:00Z', 1, PARTY_A); // later: ignored
      send('11.1', '2026-10-01T00:00:00Z', 2);
      raise('0x8F1C', '2026-10-06T00:00:00Z', 2, PARTY_A); // exactly 5 days: rejected
      send('11.1', '2026-10-01T00:00:00Z', 3);
      raise('0x8F72', '2026-10-06T00:00:01Z', 3, PARTY_A); // 1 s after the SLA: no alert
      send('11.1', '2026-10-01T00:00:00Z', 4, PARTY_A, 'E20'); // failed 11.1: not counted
      send('11.1', '2026-10-02T00:00:00Z', 5);
      raise('0x8F72', '2026-10-02T01:00:00Z', 5, PARTY_B); // addressed to another party: no alert for A
      const report = firmwareVerification(h.engine.source, october());
      expect(report.rows).toEqual([{
        period: '2026-10', party: PARTY_A, firmwareUpdates: 4, verified: 1, rejected: 1, noAlert: 2, open: 0, verifiedPct: 25, rejectedPct: 25, noAlertPct: 50,
      }]);
      expect(report.noAlert.map((c) => c.device)).toEqual([dev(3), dev(5)]);
    });

    it('leaves an 11.1 whose five days have not passed open', () => {
      send('11.1', '2026-10-30T00:00:00Z', 1);
      const report = firmwareVerification(h.engine.source, october({ nowMs: Date.parse('2026-11-01T00:00:00Z') }));
      expect(report.rows[0]).toMatchObject({ firmwareUpdates: 1, open: 1, noAlert: 0, verifiedPct: null });
      expect(report.noAlert).toEqual([]);
    });
  });

  describe('failure alerts linked to the SR they fail', () => {
    const links = () => h.ports.failureLinks.links(0, Number.MAX_SAFE_INTEGER).map((l) => [l.code, l.requestSrv]);

    it('links an alert written after its SR to the latest SR of its User to its device, within that SR\'s TRT', () => {
      send('4.1.1', '2026-10-05T09:00:00Z', 1); // older SR
      send('1.1.1', '2026-10-05T09:10:00Z', 1); // the latest before the alert
      send('1.1.1', '2026-10-05T09:10:00Z', 2, PARTY_B); // another User's SR
      raise('N13', '2026-10-05T09:10:20Z', 1, PARTY_A); // 20 s later: within 1.1.1's 30 s TRT
      raise('N13', '2026-10-05T09:11:00Z', 2, PARTY_A); // PARTY_A sent nothing to device 2
      raise('N12', '2026-10-05T09:12:00Z', 1, PARTY_A); // 2 min after the 1.1.1: past its TRT
      expect(links()).toEqual([['N13', '1.1.1'], ['N13', null], ['N12', null]]);
    });

    it('links an alert written before its SR when the SR arrives, and moves it from an older SR', () => {
      send('4.1.1', '2026-10-05T09:00:00Z', 1);
      raise('N13', '2026-10-05T09:00:20Z', 1, PARTY_A); // linked to the 4.1.1 for now
      send('1.1.1', '2026-10-05T09:00:10Z', 1); // written later, started between: the one it fails
      send('6.2.7', '2026-10-05T09:00:30Z', 1); // started after the alert: not it
      expect(links()).toEqual([['N13', '1.1.1']]);
    });

    it('counts linked and unlinked alerts per party and code, with the linked SRVs', () => {
      send('1.1.1', '2026-10-05T09:00:00Z', 1);
      raise('N13', '2026-10-05T09:00:10Z', 1, PARTY_A);
      raise('N13', '2026-10-06T09:00:10Z', 1, PARTY_A);
      expect(failureLinks(h.engine.source, october())).toEqual([
        { period: '2026-10', party: PARTY_A, alertCode: 'N13', alerts: 2, linked: 1, unlinked: 1, linkedPct: 50, linkedBySrv: { '1.1.1': 1 } },
      ]);
    });
  });

  it('keeps a followed journey once when an amendment moves its start', () => {
    const first = request({ at: '2026-10-01T00:00:00Z', srv: '11.1', party: PARTY_A, device: dev(1) }, h.catalogue);
    h.write([first]);
    const moved = { ...first, startedUs: first.startedUs + 1_000_000 };
    h.write([writeOf(moved, { id: h.store.journeysByKey(first.key)[0]!.id, previous: first })]);
    expect(h.ports.sequenceEvents.events(['11.1'], 0, Number.MAX_SAFE_INTEGER).map((e) => e.startedUs)).toEqual([moved.startedUs]);
  });
});
