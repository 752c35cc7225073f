// PostgreSQL implementation of FailureLinkStore: metric_last_requests, metric_failure_links.
// A tick's requests and links go as one statement each, folded first as one upsert after
// another would leave them (a statement may not update the same row twice).
import type { FailureLink, FailureLinkStore, LastRequest } from '../ports/failure-links.js';
import type { SyncPostgres } from './sync-postgres.js';

const NOTE = `INSERT INTO metric_last_requests (party, device, key, srv, started_us)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[])
  ON CONFLICT (party, device) DO UPDATE SET key = excluded.key, srv = excluded.srv, started_us = excluded.started_us
  WHERE excluded.started_us > metric_last_requests.started_us`;
const SAVE = `INSERT INTO metric_failure_links (alert_key, alert_started_us, device, party, code, request_key, request_srv, request_started_us)
  SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])
  ON CONFLICT (alert_key, alert_started_us) DO UPDATE SET device = excluded.device, party = excluded.party, code = excluded.code,
  request_key = excluded.request_key, request_srv = excluded.request_srv, request_started_us = excluded.request_started_us`;
const LINK = `alert_key AS "alertKey", alert_started_us AS "alertStartedUs", device, party, code, request_key AS "requestKey",
  request_srv AS "requestSrv", request_started_us AS "requestStartedUs"`;

export function createPostgresFailureLinks(db: SyncPostgres): FailureLinkStore {
  return {
    noteRequests(requests) {
      const latest = new Map<string, LastRequest>();
      for (const r of requests) {
        const id = `${r.party}\n${r.device}`;
        const before = latest.get(id);
        if (before === undefined || r.startedUs > before.startedUs) latest.set(id, r);
      }
      if (latest.size === 0) return;
      const all = [...latest.values()];
      db.query(NOTE, [all.map((r) => r.party), all.map((r) => r.device), all.map((r) => r.key), all.map((r) => r.srv), all.map((r) => r.startedUs)]);
    },
    lastRequest: (party, device) => db.query<LastRequest>('SELECT party, device, key, srv, started_us AS "startedUs" FROM metric_last_requests WHERE party = $1 AND device = $2', [party, device])[0],
    saveLinks(links) {
      const last = new Map<string, FailureLink>();
      for (const l of links) last.set(`${l.alertKey}\n${l.alertStartedUs}`, l);
      if (last.size === 0) return;
      const all = [...last.values()];
      db.query(SAVE, [all.map((l) => l.alertKey), all.map((l) => l.alertStartedUs), all.map((l) => l.device), all.map((l) => l.party), all.map((l) => l.code),
        all.map((l) => l.requestKey), all.map((l) => l.requestSrv), all.map((l) => l.requestStartedUs)]);
    },
    linksOfDevices: (devices, sinceUs) => db.query<FailureLink>(`SELECT ${LINK} FROM metric_failure_links WHERE device = ANY($1::text[]) AND alert_started_us >= $2 ORDER BY alert_started_us, alert_key`, [devices, sinceUs]),
    links: (fromUs, toUs) => db.query<FailureLink>(`SELECT ${LINK} FROM metric_failure_links WHERE alert_started_us >= $1 AND alert_started_us < $2 ORDER BY alert_started_us, alert_key`, [fromUs, toUs]),
  };
}
