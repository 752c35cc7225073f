// SQLite implementation of OperationsLog: metric_maintenance and metric_incidents.
import type Database from 'better-sqlite3';
import type { Incident, Maintenance, OperationsLog } from '../ports/operations-log.js';

const MAINTENANCE = 'id, region, from_ms AS fromMs, to_ms AS toMs, description';
const INCIDENT = 'id, category, region, service, started_ms AS startedMs, resolved_ms AS resolvedMs, description';

export function createSqliteOperationsLog(db: Database.Database): OperationsLog {
  const s = {
    addMaintenance: db.prepare(`INSERT INTO metric_maintenance (region, from_ms, to_ms, description) VALUES (?, ?, ?, ?) RETURNING ${MAINTENANCE}`),
    removeMaintenance: db.prepare('DELETE FROM metric_maintenance WHERE id = ?'),
    maintenance: db.prepare(`SELECT ${MAINTENANCE} FROM metric_maintenance WHERE from_ms < ? AND to_ms > ? ORDER BY from_ms, id`),
    addIncident: db.prepare(`INSERT INTO metric_incidents (category, region, service, started_ms, resolved_ms, description) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${INCIDENT}`),
    incident: db.prepare(`SELECT ${INCIDENT} FROM metric_incidents WHERE id = ?`),
    updateIncident: db.prepare(`UPDATE metric_incidents SET category = ?, region = ?, service = ?, started_ms = ?, resolved_ms = ?, description = ? WHERE id = ? RETURNING ${INCIDENT}`),
    incidents: db.prepare(`SELECT ${INCIDENT} FROM metric_incidents WHERE started_ms < ? AND (resolved_ms IS NULL OR resolved_ms > ?) ORDER BY started_ms, id`),
  };
  return {
    addMaintenance: (m) => s.addMaintenance.get(m.region, m.fromMs, m.toMs, m.description) as Maintenance,
    removeMaintenance: (id) => s.removeMaintenance.run(id).changes > 0,
    maintenance: (fromMs, toMs) => s.maintenance.all(toMs, fromMs) as Maintenance[],
    addIncident: (i) => s.addIncident.get(i.category, i.region, i.service, i.startedMs, i.resolvedMs, i.description) as Incident,
    incident: (id) => s.incident.get(id) as Incident | undefined,
    updateIncident(id, change) {
      const current = s.incident.get(id) as Incident | undefined;
      if (!current) return undefined;
      const next = { ...current, ...change };
      return s.updateIncident.get(next.category, next.region, next.service, next.startedMs, next.resolvedMs, next.description, id) as Incident;
    },
    incidents: (fromMs, toMs) => s.incidents.all(toMs, fromMs) as Incident[],
  };
}
