// SQLite implementation of FailureLinkStore: metric_last_requests, metric_failure_links.
import type Database from 'better-sqlite3';
import type { FailureLink, FailureLinkStore, LastRequest } from '../ports/failure-links.js';

const LINK = `alert_key AS alertKey, alert_started_us AS alertStartedUs, device, party, code, request_key AS requestKey,
  request_srv AS requestSrv, request_started_us AS requestStartedUs`;

export function createSqliteFailureLinks(db: Database.Database): FailureLinkStore {
  const s = {
    note: db.prepare(`INSERT INTO metric_last_requests (party, device, key, srv, started_us) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (party, device) DO UPDATE SET key = excluded.key, srv = excluded.srv, started_us = excluded.started_us WHERE excluded.started_us > started_us`),
    last: db.prepare('SELECT party, device, key, srv, started_us AS startedUs FROM metric_last_requests WHERE party = ? AND device = ?'),
    save: db.prepare(`INSERT INTO metric_failure_links (alert_key, alert_started_us, device, party, code, request_key, request_srv, request_started_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (alert_key, alert_started_us) DO UPDATE SET device = excluded.device, party = excluded.party, code = excluded.code,
      request_key = excluded.request_key, request_srv = excluded.request_srv, request_started_us = excluded.request_started_us`),
    ofDevices: db.prepare(`SELECT ${LINK} FROM metric_failure_links WHERE device IN (SELECT value FROM json_each(?)) AND alert_started_us >= ? ORDER BY alert_started_us, alert_key`),
    between: db.prepare(`SELECT ${LINK} FROM metric_failure_links WHERE alert_started_us >= ? AND alert_started_us < ? ORDER BY alert_started_us, alert_key`),
  };
  return {
    noteRequests(requests) {
      for (const r of requests) s.note.run(r.party, r.device, r.key, r.srv, r.startedUs);
    },
    lastRequest: (party, device) => s.last.get(party, device) as LastRequest | undefined,
    saveLinks(links) {
      for (const l of links) s.save.run(l.alertKey, l.alertStartedUs, l.device, l.party, l.code, l.requestKey, l.requestSrv, l.requestStartedUs);
    },
    linksOfDevices: (devices, sinceUs) => s.ofDevices.all(JSON.stringify(devices), sinceUs) as FailureLink[],
    links: (fromUs, toUs) => s.between.all(fromUs, toUs) as FailureLink[],
  };
}
