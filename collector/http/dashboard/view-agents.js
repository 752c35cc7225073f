// Agents and clocks: each agent's last status (buffer depth, last seen) beside its clock as the
// collector measures it (offset, drift, uncertainty).
import { get } from './api.js';
import { esc, int, ms, table, ukDateTime, ZONE_LABEL } from './format.js';

const age = (ms) => (ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min ago` : `${(ms / 3_600_000).toFixed(1)} h ago`);

export const agents = {
  title: 'Agents and clocks',
  live: true,
  async render(main) {
    main.innerHTML = '<div id="agents"></div>';
    const [{ agents: statuses }, { clocks }] = await Promise.all([get('/api/v1/agents'), get('/api/v1/clocks')]);
    const clockOf = new Map(clocks.map((c) => [c.agentId, c]));
    const ids = [...new Set([...statuses.map((a) => a.agentId), ...clocks.map((c) => c.agentId)])].sort();
    const statusOf = new Map(statuses.map((a) => [a.agentId, a]));
    const rows = ids.map((agentId) => ({ agentId, status: statusOf.get(agentId), clock: clockOf.get(agentId) }));
    const now = Date.now();
    main.querySelector('#agents').innerHTML = `<h2>${ids.length} agents</h2>` + table([
      ['agent', (r) => esc(r.agentId)],
      ['state', (r) => esc(r.status?.status?.state ?? 'no status')],
      [`last seen (${ZONE_LABEL})`, (r) => (r.status ? `${esc(ukDateTime(Date.parse(r.status.updatedAt)))} · ${age(now - Date.parse(r.status.updatedAt))}` : '')],
      ['buffered batches', (r) => int(r.status?.status?.buffer?.batches), 'num'],
      ['buffered hops', (r) => int(r.status?.status?.buffer?.hops), 'num'],
      ['dropped hops', (r) => int(r.status?.status?.buffer?.droppedHops), 'num'],
      ['offset ms', (r) => ms(r.clock?.offsetUs), 'num'],
      ['drift ppm', (r) => (r.clock ? r.clock.driftPpm.toFixed(2) : ''), 'num'],
      ['± ms', (r) => (r.clock ? ms(r.clock.uncertaintyUs) || 'unknown' : ''), 'num'],
      ['time exchanges', (r) => int(r.clock?.exchanges), 'num'],
    ], rows, { key: (r) => r.agentId });
  },
};
