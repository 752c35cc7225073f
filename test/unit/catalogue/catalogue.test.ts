import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogueProblems } from '../../../collector/catalogue/catalogue-check.js';
import type { CatalogueData, SrvEntry } from '../../../collector/catalogue/catalogue.js';
import { DEFAULT_CATALOGUE_FILE, loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A parsed catalogue file is plain JSON: every field and list can be edited to break it on purpose. */
type Editable<T> = T extends readonly (infer U)[] ? Editable<U>[] : T extends object ? { -readonly [K in keyof T]: Editable<T[K]> } : T;

const shipped = () => JSON.parse(readFileSync(DEFAULT_CATALOGUE_FILE, 'utf8')) as Editable<CatalogueData>;

describe('catalogue', () => {
  const catalogue = loadCatalogue();
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('ships a catalogue without problems, every entry citing a known source', () => {
    expect(catalogueProblems(shipped())).toEqual([]);
    for (const s of catalogue.data.srvs) expect(catalogue.data.sources[s.source]).toBeDefined();
  });

  // SECMP0053 Annex B (legal text) and section 6 (implementation in the June 2020 SEC Release, 25 June 2020).
  it.each([
    ['4.8.1', '2020-06-24', 30, 4, 25],
    ['4.8.1', '2020-06-25', 5600, 4, 5595],
    ['6.14.1', '2020-06-24', 86_400, 75_600, 7200],
    ['6.14.1', '2020-06-26', 30, 4, 25],
    ['7.9', '2020-06-26', 30, 4, 25],
  ])('puts %s on %s in the TRT of %i s (DSP %i s + CSP %i s)', (srv, date, seconds, dsp, csp) => {
    expect(catalogue.trtOn(srv, date)).toMatchObject({ seconds, dspSeconds: dsp, cspSeconds: csp });
  });

  // MP176 Table 1: five days for 11.1 on SMETS2+ and for 11.3 on SMETS1; the papers give no TRT
  // for the other generation, so those requests are not judged against one.
  it('picks a TRT entry qualified by SMETS generation only for that generation', () => {
    expect(catalogue.trtOn('11.1', '2026-10-01', 'SMETS2')).toMatchObject({ smets: 'SMETS2+', seconds: 432_000 });
    expect(catalogue.trtOn('11.1', '2026-10-01', 'SMETS1')).toBeUndefined();
    expect(catalogue.trtOn('11.3', '2026-10-01', 'SMETS1')).toMatchObject({ smets: 'SMETS1', seconds: 432_000 });
    expect(catalogue.trtOn('11.3', '2026-10-01', 'SMETS2')).toBeUndefined();
  });

  // DP187 section 2: RTT and Success Rate targets are separate from TRTs and not set by default.
  it('has no RTT or Success Rate targets unless the user sets them', () => {
    expect(catalogue.rttTargetOn('4.8.1', '2026-10-01')).toBeUndefined();
    expect(catalogue.successRateTarget({ process: 'prepayment' }, '2026-10-01')).toBeUndefined();
  });

  // MP176 Table 1: 1.1.1 serves Install and Commission, Change of Supplier (Gain) and Tariff Updates.
  it('knows which SRVs several processes share', () => {
    expect(catalogue.processesOf('1.1.1').map((p) => p.id)).toEqual(['install-commission', 'change-of-supplier-gain', 'tariff-updates']);
    expect(catalogue.isShared('1.1.1')).toBe(true);
    expect(catalogue.isShared('4.8.1')).toBe(false);
  });

  it('counts authorisation errors apart from communications failures (MP122 §3.2.1)', () => {
    expect(catalogue.code('E3')).toMatchObject({ outcome: 'failure', reason: 'authorisation', networkFailure: false });
    expect(catalogue.code('E20')).toMatchObject({ outcome: 'failure', reason: 'unable-to-communicate', networkFailure: true });
  });

  it('lists every problem of a wrong catalogue with its JSON path', () => {
    const d = shipped();
    d.srvs[0].source = 'no-such-paper';
    d.srvs[14].trt = [...d.srvs[14].trt].reverse();
    d.responseClasses['30s'].cspSeconds = 27;
    d.businessProcesses[0].srvs.push('9.99');
    d.attribution.rules[0].process = 'nowhere';
    const withUnknownField: Editable<SrvEntry> & { tariff?: string } = d.srvs[1];
    withUnknownField.tariff = 'x';

    const problems = catalogueProblems(d);
    expect(problems).toEqual(['/srvs/1: unknown field "tariff"']);

    delete withUnknownField.tariff;
    expect(catalogueProblems(d)).toEqual(expect.arrayContaining([
      '/srvs/0/source: source "no-such-paper" is not in /sources',
      '/srvs/14/trt/1/from: 2016-01-01 is before the entry above it (2020-06-25): list TRT entries in date order',
      '/responseClasses/30s: DSP 4 s + CSP 27 s exceed the TRT of 30 s',
      '/businessProcesses/0/srvs/9: SRV "9.99" is not in /srvs',
      '/attribution/rules/0/process: process "nowhere" is not in /businessProcesses',
    ]));
  });

  it('refuses to load an invalid file, naming the file and each problem', () => {
    dir = tempDir();
    const file = join(dir.path, 'mine.json');
    const d = shipped();
    d.alertSla.seconds = -60;
    writeFileSync(file, JSON.stringify(d));
    expect(() => loadCatalogue(file)).toThrow(expect.objectContaining({
      code: 'HW_COLLECTOR_CATALOGUE',
      message: `invalid catalogue ${file} (1 problem):\n  /alertSla/seconds: must be > 0`,
    }));
  });
});
