// Rules that depend on the sequence of SRs to one device, decided when a record is first
// written and remembered per record (so that an amendment retracts it under the same tag):
// - Attribution of SRVs several processes share (MP122 §3.2.1; catalogue "attribution"):
//   the most recent SR to the same device, within the window before this one, of an SRV a
//   rule names (8.1.1 → Install and Commission, 6.23 → Change of Supplier) decides;
//   otherwise the SRV's default process (1.1.1 → Tariff Updates); otherwise unattributed.
// - Top-up attempts (MP122 PP1): a 2.2 to a device whose previous 2.2, within the retry
//   window, failed is that one's next attempt; otherwise it is a first attempt.
// Everything lives in the store (SequenceStateStore), none in memory: a rolled-back
// transaction takes its changes with it.
import type { RecordWrite } from '../join/joiner.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { SequenceStateStore } from '../store/ports/sequence-state.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { deviceOf } from './record-facts.js';

/** MP122 PP1: Prepayment top-up, SRV 2.2 Top Up Device. */
export const TOP_UP_SRV = '2.2';

export interface SequenceTagOptions {
  readonly topUpRetryWindowMs: number;
}

export interface SequenceTags {
  /** The tag of a record written for the first time; updates the device's sequence state. `device` is called only when needed. */
  tagNew(r: JourneyRecord, device: () => string): string;
  /** The tag a stored record was reported under ('' if none). */
  tagOf(key: string, startedUs: number): string;
  /** Moves a record's tag when an amendment changed its start. */
  retag(key: string, fromUs: number, toUs: number, tag: string): void;
  /** Tells the store, before a tick's records, which devices and tags they will read (SequenceStateStore.prefetch). */
  prefetch(writes: readonly RecordWrite[]): void;
}

export function createSequenceTags(store: SequenceStateStore, catalogue: Catalogue, options: SequenceTagOptions): SequenceTags {
  const attribution = catalogue.data.attribution;
  const windowUs = attribution.windowHours * 3_600_000_000;
  const triggers = new Set(attribution.rules.map((r) => r.after));

  const attribute = (srv: string, device: string, startedUs: number): string => {
    const events = new Map(store.deviceEvents(device).map((e) => [e.srv, e.lastUs]));
    let best: { id: string; at: number } | undefined;
    for (const rule of attribution.rules) {
      if (!catalogue.process(rule.process)?.srvs.includes(srv)) continue;
      const at = events.get(rule.after);
      if (at === undefined || at > startedUs || startedUs - at > windowUs) continue;
      if (!best || at > best.at) best = { id: rule.id, at };
    }
    if (best) return `attr:${best.id}`;
    return attribution.defaults.some((d) => d.srv === srv) ? 'attr:default' : 'attr:none';
  };

  const attempt = (r: JourneyRecord, device: string): string => {
    const last = store.topUp(device);
    const retry = last !== undefined && last.failed && r.startedUs > last.lastUs && r.startedUs - last.lastUs <= options.topUpRetryWindowMs * 1000;
    const n = retry ? last.attempt + 1 : 1;
    store.saveTopUp(device, { lastUs: r.startedUs, attempt: n, failed: r.outcome === 'failure' });
    return `attempt:${n >= 3 ? '3+' : n}`;
  };

  /** Whether tagNew reads or writes the record's device's state. */
  const sequenced = (r: JourneyRecord): boolean => r.kind === 'request' && r.srv !== undefined && (triggers.has(r.srv) || catalogue.isShared(r.srv) || r.srv === TOP_UP_SRV);

  return {
    tagNew(r, deviceOfRecord) {
      if (!sequenced(r)) return '';
      const srv = r.srv!;
      const trigger = triggers.has(srv);
      const shared = catalogue.isShared(srv);
      const device = deviceOfRecord();
      if (trigger) store.noteDeviceEvent(device, srv, r.startedUs);
      const tag = shared ? attribute(srv, device, r.startedUs) : srv === TOP_UP_SRV ? attempt(r, device) : '';
      if (tag !== '') store.saveTag(r.key, r.startedUs, tag);
      return tag;
    },
    tagOf: (key, startedUs) => store.tagOf(key, startedUs) ?? '',
    retag(key, fromUs, toUs, tag) {
      if (fromUs === toUs) return;
      store.dropTag(key, fromUs);
      if (tag !== '') store.saveTag(key, toUs, tag);
    },
    prefetch(writes) {
      if (store.prefetch === undefined) return;
      const devices = writes.filter((w) => sequenced(w.record)).map((w) => deviceOf(w.record.kind, w.joinKey));
      const amended = writes.flatMap((w) => (w.amends ? [{ key: w.amends.previous.key, startedUs: w.amends.previous.startedUs }] : []));
      store.prefetch(devices, amended);
    },
  };
}
