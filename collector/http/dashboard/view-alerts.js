// Alerts: what proactive alerting has firing and its latest state changes; and the alert
// analytics of a month (MP176 "Alert reporting", MP122 DF2): N42 within the SLA after N16 per
// Energy Supplier, Power Outage Alerts without a Power Restoration Alert, firmware image
// verification after 11.1, failure alerts linked to the SR they fail.
import { get, url } from './api.js';
import { esc, int, pct, table, ukDateTime, ukMonth, ZONE_LABEL } from './format.js';
import { partiesIn, partySelect } from './parties.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const ANALYTICS = [
  ['credentials', 'Credentials updated (N42) within the SLA after an identity alert (N16)', [
    ['supplier', (r) => esc(r.supplier ?? 'unknown')], ['N16', (r) => int(r.identityAlerts), 'num'], ['N42 within SLA', (r) => int(r.withinSla), 'num'],
    ['missed', (r) => int(r.missed), 'num'], ['open', (r) => int(r.open), 'num'], ['within SLA %', (r) => pct(r.withinSlaPct), 'num'],
  ]],
  ['outages', 'Power Outage Alerts and their Power Restoration Alerts', [
    ['outages', (r) => int(r.outages), 'num'], ['restored', (r) => int(r.restored), 'num'], ['unrestored', (r) => int(r.unrestored), 'num'], ['unrestored %', (r) => pct(r.unrestoredPct), 'num'],
  ]],
  ['firmware-verification', 'Firmware image verification after 11.1 (0x8F72 success, 0x8F1C failure)', [
    ['updates', (r) => int(r.firmwareUpdates), 'num'], ['verified', (r) => int(r.verified), 'num'], ['rejected', (r) => int(r.rejected), 'num'],
    ['no alert', (r) => int(r.noAlert), 'num'], ['open', (r) => int(r.open), 'num'], ['verified %', (r) => pct(r.verifiedPct), 'num'], ['no alert %', (r) => pct(r.noAlertPct), 'num'],
  ]],
  ['failure-links', 'Failure alerts (N12, N13) linked to the SR they fail', [
    ['alert', (r) => esc(r.alertCode)], ['alerts', (r) => int(r.alerts), 'num'], ['linked', (r) => int(r.linked), 'num'], ['unlinked', (r) => int(r.unlinked), 'num'],
    ['linked %', (r) => pct(r.linkedPct), 'num'], ['linked per SRV', (r) => esc(Object.entries(r.linkedBySrv).map(([s, n]) => `${s}: ${n}`).join(', '))],
  ]],
];

function alerting(rules, events) {
  const firing = rules.rules.filter((r) => r.state !== 'inactive');
  return `<h2>Alerting rules</h2>${rules.rules.length === 0 ? '<p class="muted">No alerting rules configured (collector configuration, <code>alerting.rules</code>).</p>' : table([
    ['rule', (r) => esc(r.rule.name)], ['state', (r) => `<span class="${r.state === 'firing' ? 'failure' : ''}">${esc(r.state)}</span>`], ['severity', (r) => esc(r.rule.severity ?? '')],
    ['series firing', (r) => int(r.series.filter((s) => s.state === 'firing').length), 'num'], ['summary', (r) => esc(r.rule.summary ?? '')],
  ], [...firing, ...rules.rules.filter((r) => r.state === 'inactive')])}
    <h3>Latest state changes</h3>${table([
    [`at (${ZONE_LABEL})`, (e) => esc(ukDateTime(Date.parse(e.at)))], ['rule', (e) => esc(e.rule)], ['labels', (e) => esc(Object.entries(e.labels).map(([k, v]) => `${k}=${v}`).join(' '))],
    ['from', (e) => esc(e.from ?? '')], ['to', (e) => esc(e.to)],
  ], events.events)}`;
}

export const alerts = {
  title: 'Alerts',
  live: true,
  async render(main, params, go) {
    const month = MONTH.test(params.get('month') ?? '') ? params.get('month') : ukMonth(Date.now());
    const [parties, rules, events] = await Promise.all([partiesIn(month), get('/api/v1/alerting/rules'), get('/api/v1/alerting/events?limit=20')]);
    const party = parties.includes(params.get('party')) ? params.get('party') : '';
    main.innerHTML = `<div class="controls"><label>month (${ZONE_LABEL})<input type="month" name="month" value="${month}"></label>${partySelect(parties, party, 'all')}</div>
      <div id="alerting"></div>${ANALYTICS.map(([id]) => `<div id="${id}"></div>`).join('')}`;
    const change = () => go(new URLSearchParams([['month', main.querySelector('[name=month]').value], ...(main.querySelector('[name=party]').value ? [['party', main.querySelector('[name=party]').value]] : [])]));
    for (const el of main.querySelectorAll('select, input')) el.onchange = change;
    main.querySelector('#alerting').innerHTML = alerting(rules, events);
    const answers = await Promise.all(ANALYTICS.map(([id]) => get(url(`/api/v1/alerts/${id}`, { month, party, granularity: 'month' }))));
    ANALYTICS.forEach(([id, title, columns], i) => {
      const party = ['party', (r) => esc(r.party)];
      main.querySelector(`#${id}`).innerHTML = `<h2>${esc(title)}</h2>` + table([party, ...columns], answers[i].rows);
    });
  },
};
