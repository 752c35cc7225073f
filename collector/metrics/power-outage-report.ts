// Power outage clustering (power-outages.ts) over a period's stored Power Outage Alerts, as the
// API, `hopwatch report power-outages` and the alerts PDF ask for it: the codes the query names,
// else the configured ones (metrics.powerOutage.alertCodes), else the catalogue's codes whose
// reason is power-outage (the ones the alert sequences follow: the papers give the alert no
// code, so one definition serves both measures); every CSP region unless the query names some.
import { CSP_REGIONS, SRV_PATTERN } from '../../proto/hop-context.js';
import type { FigureRow, JourneyRecordStore } from '../store/ports/journey-records.js';
import { bad } from './metric-params.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { MetricsConfig } from './metrics-config.js';
import { clusterPowerOutages, type PowerOutageReport } from './power-outages.js';
import { sequenceCodes } from './sequence-codes.js';

export interface PowerOutageQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly alertCodes?: readonly string[];
  readonly regions?: readonly string[];
}

export interface PowerOutagePeriod extends PowerOutageReport {
  readonly from: string;
  readonly to: string;
  readonly rule: MetricsConfig['powerOutage'];
}

export function powerOutageReport(store: JourneyRecordStore, configured: MetricsConfig['powerOutage'], catalogue: Catalogue, q: PowerOutageQuery): PowerOutagePeriod {
  const codes = q.alertCodes ?? (configured.alertCodes.length > 0 ? configured.alertCodes : sequenceCodes(catalogue).outage);
  if (codes.length === 0) throw bad('no Power Outage Alert codes: give alertCode=, set metrics.powerOutage.alertCodes, or give an alert code reason power-outage in the catalogue');
  for (const c of codes) if (!SRV_PATTERN.test(c)) throw bad(`alertCode ${JSON.stringify(c)} is not an alert code`);
  const regions = q.regions;
  for (const r of regions ?? []) if (!(CSP_REGIONS as readonly string[]).includes(r)) throw bad(`region ${JSON.stringify(r)} is not one of ${CSP_REGIONS.join(', ')}`);
  const alerts = function* (): Generator<FigureRow> {
    for (const srv of codes) {
      for (const row of store.scanFigures({ srv, fromUs: q.fromMs * 1000, toUs: q.toMs * 1000 })) {
        if (regions === undefined || regions.includes(row.context.cspRegion ?? '')) yield row;
      }
    }
  };
  const rule = { ...configured, alertCodes: [...codes] };
  return { from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), rule, ...clusterPowerOutages(alerts(), rule) };
}
