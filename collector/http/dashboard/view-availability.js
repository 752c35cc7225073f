// Availability per CSP region: the availability % beside its coverage (the share of minutes a
// live probe could judge), a day-by-day timeline of up, down, unknown and maintenance minutes,
// the time-of-day bands and the outages; and Power Outage Alerts clustered into windows per
// region (DCC CPM PM12: more than 50 hubs in a window is a wider outage, else an isolated event).
import { get, url } from './api.js';
import { esc, int, pct, select, table, ukDate, ukDateTime, ZONE_LABEL } from './format.js';

const STATES = ['up', 'down', 'unknown', 'maintenance'];
const CLUSTER_DAYS = 7;

/** Share of minutes with a live probe: every minute not unknown. */
export const coveragePct = (r) => (r.minutes ? (100 * (r.minutes - r.unknownMinutes)) / r.minutes : null);

function timeline(days) {
  const cell = (d) => {
    const title = `${d.date}: ${STATES.map((s) => `${s} ${d[`${s}Minutes`]} min`).join(', ')}`;
    return `<div class="day" title="${esc(title)}">${STATES.map((s) => `<span class="${s}" style="flex:${d[`${s}Minutes`]}"></span>`).join('')}</div>`;
  };
  return `<div class="days">${days.map(cell).join('')}</div>`;
}

function region(r, zone) {
  const outages = r.outages.length === 0 ? '<p class="muted">no outages</p>' : table([
    [`from (${ZONE_LABEL})`, (o) => esc(ukDateTime(Date.parse(o.from)))], [`to (${ZONE_LABEL})`, (o) => esc(ukDateTime(Date.parse(o.to)))], ['minutes', (o) => int(o.minutes), 'num'],
  ], r.outages);
  return `<div class="panel" data-region="${esc(r.region)}"><h2>${esc(r.region)}</h2>
    <div class="tiles">
      <div class="tile" data-tile="availability"><b>${pct(r.availabilityPct) || '—'}</b><span>availability %</span></div>
      <div class="tile" data-tile="coverage"><b>${pct(coveragePct(r)) || '—'}</b><span>coverage % (minutes with live probes)</span></div>
      <div class="tile"><b>${r.downtimeHours.toFixed(2)}</b><span>unplanned downtime, hours</span></div>
      <div class="tile"><b>${esc(r.probes.join(', ') || 'none')}</b><span>probes</span></div>
    </div>
    <h3>Day by day (${esc(zone)} days)</h3>${timeline(r.days)}
    <h3>Time-of-day bands</h3>${table([
      ['band', (b) => esc(b.label)], ['availability %', (b) => pct(b.availabilityPct), 'num'], ['coverage %', (b) => pct(coveragePct(b)), 'num'],
      ['up min', (b) => int(b.upMinutes), 'num'], ['down min', (b) => int(b.downMinutes), 'num'], ['unknown min', (b) => int(b.unknownMinutes), 'num'], ['maintenance min', (b) => int(b.maintenanceMinutes), 'num'],
    ], r.bands)}
    <h3>Outages</h3>${outages}</div>`;
}

function powerOutages(report, days) {
  const rule = `${report.rule.windowMinutes}-minute windows, alert codes ${report.rule.alertCodes.join(', ')}; more than ${report.rule.isolatedMaxHubs} hubs in a window is a wider outage`;
  return `<h2>Power outage clusters, ${days === 1 ? 'today' : `last ${days} days`}</h2><p class="muted">${esc(rule)}.</p>` + table([
    ['region', (r) => esc(r.region)], ['windows', (r) => int(r.windows), 'num'], ['isolated events', (r) => int(r.isolated), 'num'],
    ['wider outages', (r) => int(r.wider), 'num'], ['most hubs in a window', (r) => int(r.maxHubs), 'num'],
  ], report.regions) + (report.windows.some((w) => w.class === 'wider') ? `<h3>Wider outages</h3>${table([
    [`from (${ZONE_LABEL})`, (w) => esc(ukDateTime(Date.parse(w.from)))], [`to (${ZONE_LABEL})`, (w) => esc(ukDateTime(Date.parse(w.to)))],
    ['region', (w) => esc(w.region)], ['hubs', (w) => int(w.hubs), 'num'], ['alerts', (w) => int(w.alerts), 'num'],
  ], report.windows.filter((w) => w.class === 'wider'))}` : '');
}

export const availability = {
  title: 'Availability',
  live: true,
  async render(main, params, go) {
    const days = ['1', '7', '30'].includes(params.get('days')) ? params.get('days') : '7';
    main.innerHTML = `<div class="controls">${select('days', 'period', [['1', 'today'], ['7', 'last 7 days'], ['30', 'last 30 days']], days)}</div>
      <div class="legend">${STATES.map((s) => `<span><i class="${s}"></i>${s}</span>`).join('')}</div><div class="cols" id="regions"></div><div id="power-outages"></div>`;
    main.querySelector('[name=days]').onchange = (e) => go(new URLSearchParams({ days: e.target.value }));
    const now = Date.now();
    const from = new Date(now - (Number(days) - 1) * 86_400_000);
    // Up to the end of this hour, not of the day: minutes still to come would count as unknown.
    const to = new Date(Math.ceil(now / 3_600_000) * 3_600_000).toISOString();
    // Clustering reads every journey of the alert codes in the period, so it covers at most the
    // last CLUSTER_DAYS days, and fills in when it has (#power-outages[data-ready]).
    const clusters = main.querySelector('#power-outages');
    const clusterDays = Math.min(Number(days), CLUSTER_DAYS);
    get(url('/api/v1/availability/power-outages', { from: ukDate(new Date(now - (clusterDays - 1) * 86_400_000)), to })).then((outages) => {
      clusters.innerHTML = powerOutages(outages, clusterDays);
      clusters.dataset.ready = 'true';
    }, (err) => {
      // A collector whose catalogue names no Power Outage Alert answers 400 saying so: shown in place of the table.
      clusters.innerHTML = `<h2>Power outage clusters</h2><p class="muted">${esc(err.message)}</p>`;
      clusters.dataset.ready = 'error';
    });
    const report = await get(url('/api/v1/availability', { from: ukDate(from), to }));
    main.querySelector('#regions').innerHTML = report.regions.map((r) => region(r, report.timeZone)).join('');
  },
};
