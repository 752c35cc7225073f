// `hopwatch report` on a collector's SQLite file (read-only, no collector running) and
// `hopwatch catalogue check`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE_FILE } from '../../collector/catalogue/catalogue.js';
import { catalogueCommand } from '../../collector/reports/catalogue-command.js';
import { reportCommand } from '../../collector/reports/report-command.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import { alert, harness, request } from '../unit/metrics/harness.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('hopwatch report and hopwatch catalogue', () => {
  const dir = tempDir();
  const db = join(dir.path, 'hopwatch.db');

  beforeAll(() => {
    const h = harness({ store: openSqliteStore({ file: db, synchronous: 'normal' }) });
    h.write([
      request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 2000, context: { cspRegion: 'NORTH' } }, h.catalogue),
      request({ at: '2026-10-05T09:01:00Z', srv: '4.1.1', rttMs: 4000, context: { cspRegion: 'NORTH' } }, h.catalogue),
      request({ at: '2026-10-06T09:00:00Z', srv: '4.1.1', rttMs: 3000, code: 'E20', context: { cspRegion: 'SOUTH' } }, h.catalogue),
      alert({ at: '2026-10-05T09:01:10Z', code: 'N13', deliveryMs: 1000 }, h.catalogue),
    ]);
    h.close();
  });
  afterAll(() => dir.cleanup());

  const run = async (argv: string[]) => {
    const chunks: (string | Buffer)[] = [];
    await reportCommand(argv, (c) => chunks.push(c));
    return chunks.map(String).join('');
  };

  it('writes the monthly RSVP by SRV and region as CSV', async () => {
    const csv = await run(['rsvp', '--store', db, '--month', '2026-10', '--by', 'srv,region']);
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 8)).toEqual(['period', 'srv', 'region', 'volume', 'successes', 'failures', 'successRatePct', 'payloadFailures']);
    expect(columns).toEqual(expect.arrayContaining(['rttUs.median', 'dccUs.p95', 'withinTrtPct', 'segments.csp.withinPct', 'failuresByReason.unable-to-communicate']));
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
    expect(rows.map((r) => [r.period, r.srv, r.region, r.volume, r['rttUs.median']])).toEqual([
      ['2026-10', '4.1.1', 'NORTH', '2', '3000000'],
      ['2026-10', '4.1.1', 'SOUTH', '1', '3000000'],
    ]);
  });

  it('writes the header of an empty report, so that an empty period still says what it would hold', async () => {
    const csv = await run(['rsvp', '--store', db, '--month', '2026-08', '--by', 'srv,region']);
    expect(csv).toMatch(/^period,srv,region,volume,successes,failures,successRatePct,/);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1);
    expect((await run(['availability', '--store', db, '--month', '2026-08', '--region', 'NORTH'])).split(',')).toEqual(expect.arrayContaining(['availabilityPct', 'observedPct']));
  });

  it('writes JSON, and the PDF of the monthly RSVP report to a file', async () => {
    const json = JSON.parse(await run(['rsvp', '--store', db, '--from', '2026-10-05', '--to', '2026-10-06', '--format', 'json']));
    expect(json).toEqual([expect.objectContaining({ period: '2026-10-05', srv: '4.1.1', volume: 2 })]);
    const pdf = join(dir.path, 'rsvp.pdf');
    await run(['rsvp', '--store', db, '--month', '2026-10', '--format', 'pdf', '--out', pdf]);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('writes a party\'s estate at a month end, and its device file, and asks for the party and month', async () => {
    const party = '90-B3-D5-1F-30-01-00-00';
    const devices = await run(['inventory-devices', '--store', db, '--for', party, '--month', '2026-10']);
    // Three journeys to one device: it is as the latest (6 October, SOUTH) reported it.
    expect(devices).toBe('device,deviceType,deviceModel,firmwareVersion,smets,region,userRole,lastSeen\r\n00-DB-12-34-56-78-90-A1,,,,SMETS2,SOUTH,IS,2026-10-06T09:00:00.000Z\r\n');
    const table = await run(['inventory', '--store', db, '--for', party, '--month', '2026-10']);
    expect(table.split('\r\n')[1]).toBe(`${party},2026-10,IS,deviceTypes,,1,1,1,,,,,`);
    await expect(run(['inventory', '--store', db, '--month', '2026-10'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('--for') });
  });

  it('writes the alert sequence reports, and refuses an hourly one', async () => {
    expect(await run(['alert-failure-links', '--store', db, '--month', '2026-10'])).toBe(
      'period,party,alertCode,alerts,linked,linkedBySrv.4.1.1,unlinked,linkedPct\r\n2026-10,90-B3-D5-1F-30-01-00-00,N13,1,1,1,0,100\r\n',
    );
    await expect(run(['alert-outages', '--store', db, '--month', '2026-10', '--granularity', 'hour'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_BAD_QUERY' });
  });

  it('fails with a stable code on an unknown report, a missing database or a bad option', async () => {
    await expect(run(['speed', '--store', db])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('unknown report "speed"') });
    await expect(run(['rsvp', '--store', join(dir.path, 'none.db')])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT' });
    expect(existsSync(join(dir.path, 'none.db'))).toBe(false);
    await expect(run(['rsvp', '--store', db, '--by', 'colour'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_BAD_QUERY' });
    await expect(run(['rsvp', '--store', db, '--colour', 'red'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT' });
  });

  it('checks a catalogue: ok for the shipped one, every problem for a wrong one', async () => {
    const out: string[] = [];
    await catalogueCommand(['check', DEFAULT_CATALOGUE_FILE], (t) => out.push(t));
    expect(out.join('')).toMatch(/^ok: .*default-catalogue\.json: catalogue 2026\.11\.2, 64 SRVs, 16 business processes/);

    const wrong = JSON.parse(readFileSync(DEFAULT_CATALOGUE_FILE, 'utf8'));
    wrong.srvs[14].trt[1].dspSeconds = 5000;
    wrong.businessProcesses[3].srvs.push('1.1.9');
    const file = join(dir.path, 'wrong.json');
    writeFileSync(file, JSON.stringify(wrong));
    await expect(catalogueCommand(['check', file], () => undefined)).rejects.toMatchObject({
      code: 'HW_COLLECTOR_CATALOGUE',
      message: `invalid catalogue ${file} (2 problems):\n  /srvs/14/trt/1: DSP 5000 s + CSP 5595 s exceed the TRT of 5600 s\n  /businessProcesses/3/srvs/2: SRV "1.1.9" is not in /srvs`,
    });
  });
});
