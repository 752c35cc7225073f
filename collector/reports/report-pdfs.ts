// The single reports `hopwatch report <name> --format pdf` writes beside the packs: a
// comparison, a party's inventory, the alert report. (rsvp and processes: rsvp-pdf.ts.)
import { HopwatchError } from '../../common/error-codes.js';
import type { MetricReader } from '../metrics/engine.js';
import type { JourneyRecordStore } from '../store/ports/journey-records.js';
import { renderAlertsPdf } from './alerts-pdf.js';
import { renderComparePdf } from './compare-pdf.js';
import { runComparison } from './compare-report.js';
import { renderInventoryPdf } from './inventory-pdf.js';
import { packPeriod } from './pack-period.js';
import { inventoryOf, journeys, type ReportParams } from './report-runner.js';

export const PDF_REPORTS: readonly string[] = ['rsvp', 'processes', 'compare', 'inventory', 'alerts'];
/** Reports that read the journey records (the alerts PDF for its outage clustering). */
export const JOURNEY_REPORTS: readonly string[] = ['compare', 'power-outages', 'install-reads', 'cos-gain', 'alerts'];

export function renderReportPdf(name: string, m: MetricReader, p: ReportParams, nowMs: number, store: JourneyRecordStore | undefined): Promise<Buffer> {
  const meta = { timeZone: m.config.timeZone, nowMs };
  if (name === 'compare') return renderComparePdf(runComparison(journeys(store, name), m, p, nowMs), meta);
  if (name === 'inventory') return renderInventoryPdf(m.source.ports.readConsistently(() => inventoryOf(m, p)), meta);
  if (name === 'alerts') {
    return renderAlertsPdf(m, packPeriod(p, m.source.calendar, nowMs), { ...(p.party !== undefined ? { party: p.party.toUpperCase() } : {}), ...(store !== undefined ? { store } : {}), nowMs });
  }
  throw new HopwatchError('HW_COLLECTOR_REPORT', `no PDF for ${name}; one of ${PDF_REPORTS.join(', ')}`);
}
