// A record reduced to what the measures need (its "facts"): hour, group, outcome, the time
// figures, and whether they met the TRT in force on the request's local date, the RTT target,
// the alert SLA, and the DSP and CSP budgets. Facts are rows of a Float64Array, so a tick's
// worth is one allocation and one blob.
import { formatEui64 } from '../../proto/correlation-key.js';
import { HOP_POINT_COUNT, HopPoint } from '../../proto/hop-point.js';
import type { JoinKey } from '../join/join-key.js';
import type { JourneyHops, JourneyRecord } from '../join/journey-record.js';
import type { Calendar } from './calendar.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { GroupDims } from './dimensions.js';
import type { GroupRegistry } from './groups.js';
import { SUCCESS_REASON } from './groups.js';

export const FACT = { SIGN: 0, HOUR: 1, GROUP: 2, REASON: 3, PRIMARY: 4, DCC: 5, DSP: 6, CSP: 7, FLAGS: 8, HAN: 9, CH: 10, STRIDE: 11 } as const;
export const FLAG = {
  TRT_MEASURED: 1, WITHIN_TRT: 2, TARGET_MEASURED: 4, WITHIN_TARGET: 8,
  DSP_BUDGETED: 16, DSP_WITHIN: 32, CSP_BUDGETED: 64, CSP_WITHIN: 128,
} as const;
export type Facts = Float64Array;

const HOUR_MS = 3_600_000;

/** Facts appended row by row into one growing array. */
export class FactBuffer {
  data: Float64Array = new Float64Array(FACT.STRIDE * 256);
  count = 0;

  row(): number {
    if ((this.count + 1) * FACT.STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return this.count++ * FACT.STRIDE;
  }

  view(): Facts {
    return this.data.subarray(0, this.count * FACT.STRIDE);
  }

  clear(): void {
    this.count = 0;
  }
}

/** The party of a record: a request's originator, an alert's recipient (the DCC User either way). */
export function partyOf(kind: JourneyRecord['kind'], key: JoinKey): string {
  return kind === 'alert' ? formatEui64(key.targetHi, key.targetLo) : formatEui64(key.originatorHi, key.originatorLo);
}

/** The device a record concerns: a request's target, an alert's originator. */
export function deviceOf(kind: JourneyRecord['kind'], key: JoinKey): string {
  return kind === 'alert' ? formatEui64(key.originatorHi, key.originatorLo) : formatEui64(key.targetHi, key.targetLo);
}

export function groupOf(r: JourneyRecord, party: string, tag: string): GroupDims {
  const c = r.context;
  return {
    kind: r.kind, srv: c.srv ?? '', region: c.cspRegion ?? '', smets: c.smetsGeneration ?? '', deviceType: c.deviceType ?? '',
    deviceModel: c.deviceModel ?? '', firmwareVersion: c.firmwareVersion ?? '', chFirmwareVersion: c.chFirmwareVersion ?? '',
    userRole: c.userRole ?? '', party, tag,
  };
}

export interface FactMaker {
  /** Appends one record's facts with sign +1 (added) or -1 (retracted); returns its group id. */
  append(out: FactBuffer, r: JourneyRecord, key: JoinKey, tag: string, sign: 1 | -1): number;
}

export function createFactMaker(catalogue: Catalogue, calendar: Calendar, groups: GroupRegistry): FactMaker {
  const slaUs = catalogue.data.alertSla.seconds * 1e6;
  return {
    append(out, r, key, tag, sign) {
      const alert = r.kind === 'alert';
      const groupId = groups.idFor(
        { context: r.context, partyHi: alert ? key.targetHi : key.originatorHi, partyLo: alert ? key.targetLo : key.originatorLo, tag: alert ? `A${tag}` : tag },
        () => groupOf(r, partyOf(r.kind, key), tag),
      );
      const startedMs = r.startedUs / 1000;
      const o = out.row();
      const d = out.data;
      d[o + FACT.SIGN] = sign;
      d[o + FACT.HOUR] = Math.floor(startedMs / HOUR_MS) * HOUR_MS;
      d[o + FACT.GROUP] = groupId;
      d[o + FACT.REASON] = r.outcome === 'success' ? SUCCESS_REASON : groups.reasonId(r.reason ?? 'failure');
      const unanswered = r.reason === 'no-response';
      let flags = 0;
      if (r.kind === 'alert') {
        // MP122 A1: an alert never delivered is outside the SLA; a delivered one is judged only
        // when its raising was stamped (a deployment without device-side agents cannot say).
        const delivery = round(r.figures.alertDeliveryUs);
        d[o + FACT.PRIMARY] = delivery;
        if (unanswered || !Number.isNaN(delivery)) flags |= FLAG.TARGET_MEASURED | (delivery <= slaUs ? FLAG.WITHIN_TARGET : 0);
        d[o + FACT.DCC] = d[o + FACT.DSP] = d[o + FACT.CSP] = d[o + FACT.HAN] = d[o + FACT.CH] = Number.NaN;
      } else {
        const srv = r.context.srv ?? '';
        const date = calendar.localDate(startedMs);
        const trt = catalogue.trtOn(srv, date, r.context.smetsGeneration);
        const rtt = round(r.figures.rttUs);
        const dcc = round(r.figures.dccUs);
        const [dsp, csp] = dspAndCsp(r.hops);
        d[o + FACT.PRIMARY] = rtt;
        d[o + FACT.DCC] = dcc;
        d[o + FACT.DSP] = dsp;
        d[o + FACT.CSP] = csp;
        d[o + FACT.HAN] = round(r.figures.hanUs);
        d[o + FACT.CH] = round(r.figures.chResidenceUs);
        // A request that never got its response overran the TRT only where its HAN time is
        // known (the excess then lies in the DCC), and its RTT target where the User-side
        // request was stamped; otherwise the time is not measured, as for any other journey.
        if (trt && (!Number.isNaN(dcc) || (unanswered && r.figures.hanUs !== undefined))) flags |= FLAG.TRT_MEASURED | (dcc <= trt.seconds * 1e6 ? FLAG.WITHIN_TRT : 0);
        const target = catalogue.rttTargetOn(srv, date, r.context.smetsGeneration);
        if (target !== undefined && (!Number.isNaN(rtt) || (unanswered && r.hops.points.includes(HopPoint.UG_IN)))) flags |= FLAG.TARGET_MEASURED | (rtt <= target * 1e6 ? FLAG.WITHIN_TARGET : 0);
        if (trt?.dspSeconds != null && !Number.isNaN(dsp)) flags |= FLAG.DSP_BUDGETED | (dsp <= trt.dspSeconds * 1e6 ? FLAG.DSP_WITHIN : 0);
        if (trt?.cspSeconds != null && !Number.isNaN(csp)) flags |= FLAG.CSP_BUDGETED | (csp <= trt.cspSeconds * 1e6 ? FLAG.CSP_WITHIN : 0);
      }
      d[o + FACT.FLAGS] = flags;
      return groupId;
    },
  };
}

const round = (us: number | undefined) => (us === undefined ? Number.NaN : Math.round(us));

/** index + 1 of each point in the hops being read; 0 when absent. */
const at = new Int32Array(HOP_POINT_COUNT + 1);

/**
 * The DCC time split as SECMP0053 Annex C budgets it: DSP time is spent between the User
 * Gateway and the DSP hand-off, both ways ((DSP_OUT − UG_IN) + (UG_OUT − DSP_IN)); CSP time is
 * from the hand-off to the CSP until the response is back at the DSP, without the HAN
 * ((DSP_IN − DSP_OUT) − (HAN_IN − HAN_OUT)). They add up to the HAN-exclusive DCC time.
 */
export function dspAndCsp(h: JourneyHops): [number, number] {
  at.fill(0);
  for (let i = 0; i < h.points.length; i++) at[h.points[i]!] = i + 1;
  const times = h.mapped?.us ?? h.times;
  const t = (p: number) => (at[p]! > 0 ? times[at[p]! - 1]! : Number.NaN);
  const dsp = t(HopPoint.DSP_OUT) - t(HopPoint.UG_IN) + (t(HopPoint.UG_OUT) - t(HopPoint.DSP_IN));
  const csp = t(HopPoint.DSP_IN) - t(HopPoint.DSP_OUT) - (t(HopPoint.HAN_IN) - t(HopPoint.HAN_OUT));
  return [Math.round(dsp), Math.round(csp)];
}
