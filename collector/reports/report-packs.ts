// The PDF packs by name, for `hopwatch report mp122|mp176 --format pdf` and the API.
import { HopwatchError } from '../../common/error-codes.js';
import type { MetricReader } from '../metrics/engine.js';
import { renderMp122Pack } from './mp122-pack.js';
import { renderMp176Pack } from './mp176-pack.js';
import { packPeriod } from './pack-period.js';
import type { ReportParams } from './report-runner.js';

export function renderPack(name: 'mp122' | 'mp176', m: MetricReader, p: ReportParams, nowMs: number): Promise<Buffer> {
  const period = packPeriod(p, m.source.calendar, nowMs);
  if (name === 'mp122') return renderMp122Pack(m, period);
  if (p.for === undefined) throw new HopwatchError('HW_COLLECTOR_REPORT', 'mp176 needs --for <party EUI-64>');
  return renderMp176Pack(m, period, { party: p.for.toUpperCase(), ...(p.role !== undefined ? { userRole: p.role } : {}) });
}
