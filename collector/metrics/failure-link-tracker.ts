// Links each failure alert (N12, N13: MP122 §2.3.2 "subsequent failure alerts") to the SR it
// fails, where the device and the time order allow it (the rule: alert-sequences.ts
// failureLinks). Both orders of writing are met: an alert takes the latest SR before it of its
// User to its device, of the one on record and those of its own tick; an SR written after an
// alert it precedes takes the alert over from an older SR (or from none). Per tick: one write
// of the tick's latest SR per User and device, one read of the links of the tick's devices, one
// lookup per failure alert. Nothing outlives the tick.
import type { Catalogue } from '../catalogue/catalogue.js';
import type { JoinKey } from '../join/join-key.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { TransactionFollower } from '../join/record-sink.js';
import type { FailureLink, FailureLinkStore, LastRequest } from '../store/ports/failure-links.js';
import { deviceOf, partyOf } from './record-facts.js';

export interface FailureLinkTracker extends TransactionFollower {
  add(r: JourneyRecord, key: JoinKey): void;
  /** Writes the tick's requests and links; call inside the tick's transaction. */
  flush(): void;
}

/** Whether an SR may be the one an alert raised at alertUs fails: started before it, within its TRT. */
export function canLink(catalogue: Catalogue, request: Pick<LastRequest, 'srv' | 'startedUs'>, alertUs: number): boolean {
  const trt = catalogue.trt(request.srv, request.startedUs / 1000);
  return trt !== undefined && request.startedUs < alertUs && alertUs - request.startedUs <= trt.seconds * 1e6;
}

export function failureAlertCodes(catalogue: Catalogue): Set<string> {
  return new Set(catalogue.data.alertCodes.filter((a) => a.payloadFailure === true).map((a) => a.code));
}

export function createFailureLinkTracker(store: FailureLinkStore, catalogue: Catalogue): FailureLinkTracker {
  const failureCodes = failureAlertCodes(catalogue);
  /** The tick's SRs per User and device. */
  let requests = new Map<string, LastRequest[]>();
  let alerts: FailureLink[] = [];
  const clear = () => {
    requests = new Map();
    alerts = [];
  };
  /** Of the candidates, the SR with the latest start that the alert may fail. */
  const best = (candidates: readonly (LastRequest | undefined)[], alertUs: number) => {
    let found: LastRequest | undefined;
    for (const r of candidates) if (r && canLink(catalogue, r, alertUs) && (!found || r.startedUs > found.startedUs)) found = r;
    return found;
  };
  const linkTo = (l: FailureLink, r: LastRequest | undefined): FailureLink =>
    (r ? { ...l, requestKey: r.key, requestSrv: r.srv, requestStartedUs: r.startedUs } : l);

  return {
    add(r, key) {
      if (r.srv === undefined) return;
      if (r.kind === 'request') {
        const req = { party: partyOf(r.kind, key), device: deviceOf(r.kind, key), key: r.key, srv: r.srv, startedUs: r.startedUs };
        const id = `${req.party}:${req.device}`;
        const list = requests.get(id);
        if (list) list.push(req);
        else requests.set(id, [req]);
      } else if (failureCodes.has(r.srv)) {
        alerts.push({
          alertKey: r.key, alertStartedUs: r.startedUs, device: deviceOf(r.kind, key), party: partyOf(r.kind, key), code: r.srv,
          requestKey: null, requestSrv: null, requestStartedUs: null,
        });
      }
    },
    flush() {
      const tickRequests = requests;
      const tickAlerts = alerts;
      clear();
      // The tick's alerts: the latest SR before each, of those on record and the tick's own.
      const links = tickAlerts.map((l) => linkTo(l, best([store.lastRequest(l.party, l.device), ...(tickRequests.get(`${l.party}:${l.device}`) ?? [])], l.alertStartedUs)));
      if (tickRequests.size > 0) {
        const latest = [...tickRequests.values()].map((list) => list.reduce((a, b) => (b.startedUs > a.startedUs ? b : a)));
        store.noteRequests(latest);
        // Alerts on record that one of the tick's SRs precedes more closely than their link.
        const sinceUs = Math.min(...[...tickRequests.values()].flat().map((r) => r.startedUs));
        const relinked: FailureLink[] = [];
        for (const l of store.linksOfDevices([...new Set(latest.map((r) => r.device))], sinceUs)) {
          const r = best(tickRequests.get(`${l.party}:${l.device}`) ?? [], l.alertStartedUs);
          if (r && (l.requestStartedUs === null || l.requestStartedUs < r.startedUs)) relinked.push(linkTo(l, r));
        }
        store.saveLinks(relinked);
      }
      store.saveLinks(links);
    },
    committed: clear,
    rolledBack: clear,
  };
}
