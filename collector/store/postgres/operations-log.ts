// PostgreSQL implementation of OperationsLog: metric_maintenance and metric_incidents.
import type { Incident, Maintenance, NewIncident, OperationsLog } from '../ports/operations-log.js';
import type { SyncPostgres } from './sync-postgres.js';

const MAINTENANCE = 'id, region, from_ms AS "fromMs", to_ms AS "toMs", description';
const INCIDENT = 'id, category, region, service, started_ms AS "startedMs", resolved_ms AS "resolvedMs", description';
/** The column of each incident field an update may set. */
const INCIDENT_COLUMNS: Readonly<Record<keyof NewIncident, string>> = {
  category: 'category', region: 'region', service: 'service', startedMs: 'started_ms', resolvedMs: 'resolved_ms', description: 'description',
};

export function createPostgresOperationsLog(db: SyncPostgres): OperationsLog {
  const incident = (id: number) => db.query<Incident>(`SELECT ${INCIDENT} FROM metric_incidents WHERE id = $1`, [id])[0];
  return {
    addMaintenance: (m) => db.query<Maintenance>(`INSERT INTO metric_maintenance (region, from_ms, to_ms, description) VALUES ($1, $2, $3, $4) RETURNING ${MAINTENANCE}`,
      [m.region, m.fromMs, m.toMs, m.description])[0]!,
    removeMaintenance: (id) => db.query('DELETE FROM metric_maintenance WHERE id = $1 RETURNING id', [id]).length > 0,
    maintenance: (fromMs, toMs) => db.query<Maintenance>(`SELECT ${MAINTENANCE} FROM metric_maintenance WHERE from_ms < $1 AND to_ms > $2 ORDER BY from_ms, id`, [toMs, fromMs]),
    addIncident: (i) => db.query<Incident>(`INSERT INTO metric_incidents (category, region, service, started_ms, resolved_ms, description) VALUES ($1, $2, $3, $4, $5, $6)
      RETURNING ${INCIDENT}`, [i.category, i.region, i.service, i.startedMs, i.resolvedMs, i.description])[0]!,
    incident,
    updateIncident(id, change) {
      // One statement that sets the fields given; with none, the incident as stored.
      const fields = (Object.keys(INCIDENT_COLUMNS) as (keyof NewIncident)[]).filter((f) => change[f] !== undefined);
      if (fields.length === 0) return incident(id);
      const set = fields.map((f, i) => `${INCIDENT_COLUMNS[f]} = $${i + 2}`).join(', ');
      return db.query<Incident>(`UPDATE metric_incidents SET ${set} WHERE id = $1 RETURNING ${INCIDENT}`, [id, ...fields.map((f) => change[f])])[0];
    },
    incidents: (fromMs, toMs) => db.query<Incident>(`SELECT ${INCIDENT} FROM metric_incidents
      WHERE started_ms < $1 AND (resolved_ms IS NULL OR resolved_ms > $2) ORDER BY started_ms, id`, [toMs, fromMs]),
  };
}
