// Inventory (MP176 "Inventory reporting"): a party's estate at the end of a month (devices
// seen in its journeys) per device type, model and firmware version, and per model each
// firmware version's share against anonymised peers and the industry (GET /api/v1/inventory).
import { get, url } from './api.js';
import { esc, int, pct, table, ukMonth, ZONE_LABEL } from './format.js';
import { partiesIn, partySelect } from './parties.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** One bar per series (You, Peer n, Industry) of a firmware version's share of its model. */
function shareBars(row) {
  return `<div class="shares">${row.series.map((s) => `<div class="share" title="${esc(s.series)}: ${pct(s.sharePct)} %"><span>${esc(s.series)}</span>
    <i style="width:${Math.max(0, s.sharePct ?? 0)}%"></i><b>${pct(s.sharePct)}</b></div>`).join('')}</div>`;
}

export const inventory = {
  title: 'Inventory',
  async render(main, params, go) {
    const month = MONTH.test(params.get('month') ?? '') ? params.get('month') : ukMonth(Date.now());
    const parties = await partiesIn(month);
    const party = parties.includes(params.get('party')) ? params.get('party') : parties[0] ?? '';
    main.innerHTML = `<div class="controls"><label>end of month (${ZONE_LABEL})<input type="month" name="month" value="${month}"></label>
      ${partySelect(parties, party, '')}<span id="downloads"></span></div><div id="estate"></div>`;
    const change = () => go(new URLSearchParams([['month', main.querySelector('[name=month]').value], ...(main.querySelector('[name=party]').value ? [['party', main.querySelector('[name=party]').value]] : [])]));
    for (const el of main.querySelectorAll('select, input')) el.onchange = change;
    const estate = main.querySelector('#estate');
    if (!party) {
      estate.innerHTML = '<p class="muted">No party has journeys in this month.</p>';
      return;
    }
    const report = await get(url('/api/v1/inventory', { party, month }));
    main.querySelector('#downloads').innerHTML = `<a href="${url('/api/v1/inventory', { party, month, format: 'csv' })}">CSV</a> ·
      <a href="${url('/api/v1/inventory/devices', { party, month, format: 'csv' })}">every device (CSV)</a>`;
    const peers = report.firmwareShares.some((r) => r.withheld) ? `fewer than the minimum of peers in ${esc(report.userRole ?? 'its role')}: peers withheld` : `${int(report.peers)} anonymised peers in ${esc(report.userRole ?? 'its role')}`;
    estate.innerHTML = `<div class="tiles"><div class="tile" data-tile="devices"><b>${int(report.devices)}</b><span>devices in the estate</span></div>
      <div class="tile"><b>${int(report.deviceTypes.length)}</b><span>device types</span></div></div>
      <h2>Per device type</h2>${table([
    ['device type', (r) => esc(r.deviceType || '(unknown)')], ['devices', (r) => int(r.devices), 'num'], ['models', (r) => int(r.models), 'num'], ['firmware versions', (r) => int(r.firmwareVersions), 'num'],
  ], report.deviceTypes)}
      <h2>Per model and firmware version</h2>${table([
    ['device type', (r) => esc(r.deviceType || '(unknown)')], ['model', (r) => esc(r.deviceModel)], ['firmware', (r) => esc(r.firmwareVersion)], ['devices', (r) => int(r.devices), 'num'],
  ], report.models)}
      <h2>Firmware shares per model</h2><p class="muted">Share of the model's devices on each version: this party, ${peers}, and the industry.</p>${table([
    ['model', (r) => esc(r.deviceModel)], ['firmware', (r) => esc(r.firmwareVersion)], ['share %', shareBars],
  ], report.firmwareShares)}`;
  },
};
