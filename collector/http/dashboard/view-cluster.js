// Cluster: the collectors sharing the store (GET /api/v1/cluster), each with the partitions it
// holds, how long it has held them, when it last renewed them and how far behind it is. A
// collector without --cluster answers 404: it holds every partition itself.
import { get } from './api.js';
import { esc, int, table } from './format.js';

const seconds = (ms) => (ms === undefined || ms === null ? '' : (ms / 1000).toFixed(1));
const extreme = (values, pick) => (values.length === 0 ? undefined : pick(...values));

/** Partitions as runs: 0–15, 32, 40–47. */
export function partitionRuns(list) {
  const runs = [];
  for (const p of [...list].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && p === last[1] + 1) last[1] = p;
    else runs.push([p, p]);
  }
  return runs.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
}

export const cluster = {
  title: 'Cluster',
  live: true,
  async render(main) {
    main.innerHTML = '<div id="cluster"></div>';
    const out = main.querySelector('#cluster');
    let state;
    try {
      state = await get('/api/v1/cluster');
    } catch (err) {
      if (!/no part in partition leases/.test(err.message)) throw err;
      out.innerHTML = '<h2>One collector</h2><p class="muted" id="alone">This collector runs without --cluster: it holds every partition itself (README "Running several collectors").</p>';
      return;
    }
    const live = state.members.filter((m) => m.live).length;
    out.innerHTML = `<h2>${live} of ${state.members.length} members live · ${state.partitionCount} partitions</h2>`
      + `<p class="muted">A dead member's partitions are taken within ${seconds(state.takeoverBoundMs)} s (ttl + heartbeat).`
      + ` Without a live owner: <span id="unowned">${state.unowned.length === 0 ? 'none' : esc(partitionRuns(state.unowned))}</span>.</p>`
      + table([
        ['member', (m) => `${esc(m.id)}${m.self ? ' (this one)' : ''}`],
        ['live', (m) => (m.live ? 'yes' : 'no')],
        ['address', (m) => esc(m.address)],
        ['partitions', (m) => int(m.partitions.length), 'num'],
        ['which', (m) => esc(partitionRuns(m.partitions))],
        ['held for, s (shortest)', (m) => seconds(extreme(m.leases.map((l) => l.heldForMs), Math.min)), 'num'],
        ['renewed, s ago (longest)', (m) => seconds(extreme(m.leases.map((l) => l.renewedAgoMs), Math.max)), 'num'],
        ['lag, s (largest)', (m) => seconds(extreme(m.lag.map((l) => l.lagMs), Math.max) ?? 0), 'num'],
        ['batches waiting', (m) => int(m.lag.reduce((n, l) => n + l.queuedBatches, 0)), 'num'],
      ], state.members, { key: (m) => m.id });
  },
};
