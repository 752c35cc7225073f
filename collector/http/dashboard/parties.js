// The parties (DCC Users, EUI-64) with requests in a month, for the views that take one.
import { get, url } from './api.js';
import { esc } from './format.js';

export async function partiesIn(month) {
  const { rows } = await get(url('/api/v1/rsvp', { month, by: 'party', granularity: 'total' }));
  return rows.filter((r) => r.party && r.volume > 0).map((r) => r.party).sort();
}

/** A party select; `blank` names the choice of none ('' when one must be picked). */
export function partySelect(parties, value, blank) {
  const options = [...(blank ? [['', blank]] : []), ...parties.map((p) => [p, p])];
  return `<label>party (EUI-64)<select name="party">${options.map(([v, t]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select></label>`;
}
