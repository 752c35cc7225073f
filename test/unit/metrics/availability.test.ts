// Availability by CSP region against hand-worked examples from MP122 Requirement 3
// ("Measuring Service downtime", "Reporting Service availability by time of day", planned
// maintenance per SEC H8.4) and §3.2.3 (a lack of activity where requests are still sent).
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAround, classifyMinutes, summariseAvailability, type Interval, type RegionEvidence } from '../../../collector/metrics/availability.js';
import { availabilityByRegion } from '../../../collector/metrics/availability-report.js';
import { createCalendar } from '../../../collector/metrics/calendar.js';
import { harness, request, type Harness, type JourneySpec } from './harness.js';

const london = createCalendar('Europe/London');
const MIN = 60_000;
const utc = (iso: string) => Date.parse(iso);
const rule = { minRequestsPerMinute: 3, minOutageMinutes: 2 };

/** Evidence over [fromMs, toMs): a probe alive throughout, 5 requests every minute, all answered except in `outages`. */
function evidenceMs(fromMs: number, toMs: number, outages: [string, string][] = [], extra: Partial<RegionEvidence> = {}): RegionEvidence {
  const activity = new Map<number, { requests: number; answered: number }>();
  for (let m = fromMs; m < toMs; m += MIN) {
    const down = outages.some(([a, b]) => m >= utc(a) && m < utc(b));
    activity.set(m, { requests: 5, answered: down ? 0 : 5 });
  }
  return { fromMs, toMs, activity, observed: [{ fromMs, toMs }], maintenance: [], ...extra };
}
const evidence = (from: string, to: string, outages: [string, string][] = [], extra: Partial<RegionEvidence> = {}) => evidenceMs(utc(from), utc(to), outages, extra);

const summarise = (e: RegionEvidence) => summariseAvailability({ fromMs: e.fromMs, states: classifyMinutes(e, rule) }, london);
const band = (s: ReturnType<typeof summarise>, name: string) => s.bands.find((b) => b.band === name)!;

describe('availability', () => {
  it('computes availability % = uptime / (uptime + unplanned downtime), downtime in minutes and hours (MP122 example: 235 min)', () => {
    // A 30-day month (November, GMT) with one 235-minute outage.
    const s = summarise(evidence('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', [['2026-11-10T10:00:00Z', '2026-11-10T13:55:00Z']]));
    expect(s).toMatchObject({ minutes: 43_200, downMinutes: 235, upMinutes: 42_965, unknownMinutes: 0, maintenanceMinutes: 0, downtimeHours: 3.92 });
    expect(s.availabilityPct).toBeCloseTo((100 * 42_965) / 43_200, 9);
    expect(s.outages).toEqual([{ from: '2026-11-10T10:00:00.000Z', to: '2026-11-10T13:55:00.000Z', minutes: 235 }]);
  });

  it('splits an outage across midnight into the weekday bands (Tue 19:30 to Wed 08:30, GMT)', () => {
    const s = summarise(evidence('2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z', [['2026-11-10T19:30:00Z', '2026-11-11T08:30:00Z']]));
    expect(band(s, 'mon-fri-08-20').downMinutes).toBe(30 + 30);
    expect(band(s, 'mon-fri-20-08').downMinutes).toBe(12 * 60);
    expect(s.days.map((d) => [d.date, d.downMinutes])).toEqual([['2026-11-10', 270], ['2026-11-11', 510]]);
  });

  it('puts Friday night, Saturday morning, Saturday afternoon and Sunday in their own bands', () => {
    // Fri 13 Nov 22:00 to Mon 16 Nov 01:00 GMT, all down.
    const s = summarise(evidence('2026-11-13T22:00:00Z', '2026-11-16T01:00:00Z', [['2026-11-13T22:00:00Z', '2026-11-16T01:00:00Z']]));
    expect(Object.fromEntries(s.bands.map((b) => [b.band, b.downMinutes]))).toEqual({
      'mon-fri-08-20': 0,
      'mon-fri-20-08': 2 * 60 + 60, // Friday 22-24, Monday 00-01
      'sat-08-12': 4 * 60,
      'sat-12-08': 8 * 60 + 12 * 60, // Saturday 00-08 and 12-24
      sun: 24 * 60,
    });
  });

  it('reads bands on local time across the BST change: Sunday 29 March 2026 has 23 hours', () => {
    const s = summarise(evidence('2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z'));
    expect(band(s, 'sun').minutes).toBe(23 * 60);
    // Saturday 08:00-12:00 GMT; Monday 00:00-01:00 BST is 23:00-24:00 UTC on Sunday.
    expect(band(s, 'sat-08-12').minutes).toBe(4 * 60);
    expect(band(s, 'mon-fri-20-08').minutes).toBe(60);
  });

  it('leaves planned maintenance out of the calculation (SEC H8.4 via MP122)', () => {
    const e = evidence('2026-11-10T00:00:00Z', '2026-11-11T00:00:00Z', [['2026-11-10T02:00:00Z', '2026-11-10T04:00:00Z']], {
      maintenance: [{ fromMs: utc('2026-11-10T01:30:00Z'), toMs: utc('2026-11-10T03:00:00Z') }],
    });
    const s = summarise(e);
    expect(s).toMatchObject({ maintenanceMinutes: 90, downMinutes: 60, upMinutes: 1440 - 150 });
    expect(s.availabilityPct).toBeCloseTo((100 * 1290) / 1350, 9);
  });

  it('makes a region unknown, not down, while its probes are silent', () => {
    const e = evidence('2026-11-10T00:00:00Z', '2026-11-10T02:00:00Z', [['2026-11-10T00:30:00Z', '2026-11-10T01:30:00Z']], {
      observed: [{ fromMs: utc('2026-11-10T00:00:00Z'), toMs: utc('2026-11-10T01:00:00Z') }],
    });
    expect(summarise(e)).toMatchObject({ upMinutes: 30, downMinutes: 30, unknownMinutes: 60 });
  });

  it('needs requests still being sent, and a run of at least minOutageMinutes, to call minutes down', () => {
    const fromMs = utc('2026-11-10T00:00:00Z');
    const activity = new Map([
      [fromMs, { requests: 2, answered: 0 }], // too few requests to tell
      [fromMs + MIN, { requests: 0, answered: 0 }], // idle
      [fromMs + 2 * MIN, { requests: 4, answered: 0 }], // a lone bad minute: noise
      [fromMs + 4 * MIN, { requests: 4, answered: 0 }],
      [fromMs + 5 * MIN, { requests: 3, answered: 0 }],
      [fromMs + 6 * MIN, { requests: 9, answered: 1 }], // one answer: the service is there
    ]);
    const states = classifyMinutes({ fromMs, toMs: fromMs + 7 * MIN, activity, observed: [{ fromMs, toMs: fromMs + 7 * MIN }], maintenance: [] }, rule);
    expect(states).toEqual(['up', 'up', 'up', 'up', 'down', 'down', 'up']);
  });

  describe('an outage straddling the edge of a query (MP122 §3.2.3: the run rule judges whole runs)', () => {
    /** Evidence for any window, from one timeline: 5 requests a minute, none answered in `outages`. */
    const timeline = (outages: [string, string][]) => (fromMs: number, toMs: number) => evidenceMs(fromMs, toMs, outages);
    const query = (outages: [string, string][], from: string, to: string) => {
      const range: Interval = { fromMs: utc(from), toMs: utc(to) };
      return summariseAvailability(classifyAround(range, rule, timeline(outages)), london, range);
    };

    it('counts each minute of a 23:59-00:03 outage the same in a query of either day or of both', () => {
      // Tuesday 10 November 2026 (GMT): 4 unanswered minutes, 23:59 on the 10th to 00:03 on the 11th.
      // With minOutageMinutes 2, the lone minute on the 10th is down because its run is 4 long.
      const outage: [string, string][] = [['2026-11-10T23:59:00Z', '2026-11-11T00:03:00Z']];
      const listed = [{ from: '2026-11-10T23:59:00.000Z', to: '2026-11-11T00:03:00.000Z', minutes: 4 }];
      const tuesday = query(outage, '2026-11-10T00:00:00Z', '2026-11-11T00:00:00Z');
      const wednesday = query(outage, '2026-11-11T00:00:00Z', '2026-11-12T00:00:00Z');
      const both = query(outage, '2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z');
      expect(tuesday).toMatchObject({ minutes: 1440, downMinutes: 1, upMinutes: 1439, outages: listed });
      expect(wednesday).toMatchObject({ minutes: 1440, downMinutes: 3, upMinutes: 1437, outages: listed });
      expect(both).toMatchObject({ downMinutes: 1 + 3, outages: listed });
      expect(both.days.map((d) => [d.date, d.downMinutes])).toEqual([['2026-11-10', 1], ['2026-11-11', 3]]);
    });

    it('lists an outage that began hours before the query with its true start', () => {
      // 20:00 on the 12th to 02:00 on the 13th: 360 minutes, 120 of them on the 13th.
      const s = query([['2026-11-12T20:00:00Z', '2026-11-13T02:00:00Z']], '2026-11-13T00:00:00Z', '2026-11-14T00:00:00Z');
      expect(s).toMatchObject({ downMinutes: 120, outages: [{ from: '2026-11-12T20:00:00.000Z', to: '2026-11-13T02:00:00.000Z', minutes: 360 }] });
    });

    it('still calls a short run inside the query up, and one ending just before it no outage of the query', () => {
      // 09:00-09:01 (1 minute, noise); 23:57-23:59 on the 9th (down, but not in the query).
      const s = query([['2026-11-10T09:00:00Z', '2026-11-10T09:01:00Z'], ['2026-11-09T23:57:00Z', '2026-11-09T23:59:00Z']], '2026-11-10T00:00:00Z', '2026-11-11T00:00:00Z');
      expect(s).toMatchObject({ downMinutes: 0, upMinutes: 1440, outages: [] });
    });
  });

  describe('from journey records (MP122 §3.2.3: down is no completed journeys while requests are sent; §3.2.1: an authorisation error is a valid DCC answer)', () => {
    let h: Harness;
    afterEach(() => h.close());

    /**
     * Tuesday 10 November 2026, NORTH, 4 requests a minute from 09:00 to 09:10; the CSP probe
     * reports every 10 s from 08:59 to 09:11.
     *   09:00-09:02 answered I0                      up   2
     *   09:02-09:05 answered E1 (authorisation)      up   3 (answered: the DCC is there)
     *   09:05-09:08 never answered (no-response)     down 3 (a run of 3 ≥ minOutageMinutes 2)
     *   09:08-09:10 answered I0                      up   2
     */
    const spec = (minute: number): Partial<JourneySpec> => (minute < 2 || minute >= 8 ? {} : minute < 5 ? { code: 'E1', gatewayOnly: true } : { unanswered: true });
    const write = () => {
      for (let t = utc('2026-11-10T08:59:00Z'); t <= utc('2026-11-10T09:11:00Z'); t += 10_000) {
        const minute = (t - utc('2026-11-10T09:00:00Z')) / MIN;
        const records = Number.isInteger(minute) && minute >= 0 && minute < 10
          ? [0, 1, 2, 3].map((i) => request({ at: new Date(t + i * 1000).toISOString(), srv: '4.1.1', ...spec(minute) }, h.catalogue))
          : [];
        h.store.upsertAgentStatus('csp-1', { state: 'online' }, t);
        h.write(records, t);
      }
    };
    const north = (from: string, to: string) => availabilityByRegion(h.engine.source, h.engine.log, { fromMs: utc(from), toMs: utc(to), regions: ['NORTH'] }, rule)[0]!;

    it('calls minutes with only authorisation errors up, and a run of unanswered minutes down', () => {
      h = harness();
      write();
      expect(north('2026-11-10T09:00:00Z', '2026-11-10T09:10:00Z')).toMatchObject({
        upMinutes: 7, downMinutes: 3, unknownMinutes: 0, outages: [{ from: '2026-11-10T09:05:00.000Z', to: '2026-11-10T09:08:00.000Z', minutes: 3 }],
      });
    });

    it('reads past the query edge: 09:00-09:06 sees the whole 09:05-09:08 run', () => {
      h = harness();
      write();
      expect(north('2026-11-10T09:00:00Z', '2026-11-10T09:06:00Z')).toMatchObject({
        upMinutes: 5, downMinutes: 1, outages: [{ from: '2026-11-10T09:05:00.000Z', to: '2026-11-10T09:08:00.000Z', minutes: 3 }],
      });
    });
  });
});
