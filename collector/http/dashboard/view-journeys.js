// Journeys: the list, filtered by SRV, region, outcome, firmware, CH firmware, device model,
// party and time (all by the API, so a filter reaches past the newest rows);
// rows on one common time axis; a journey's hop timeline with each segment's uncertainty; the
// filtered list as CSV.
import { get, url } from './api.js';
import { esc, ms, select, ukDateTime, ukMidnight, ZONE_LABEL } from './format.js';
import { journeysCsv } from './journey-list.js';
import { legend, partOf } from './parts.js';

const API_FILTERS = ['srv', 'region', 'outcome'];
/** Dashboard filter names the API takes under its context field's name. */
const CONTEXT_FILTERS = { firmware: 'firmwareVersion', chFirmware: 'chFirmwareVersion', model: 'deviceModel', party: 'party' };
const LIMITS = ['100', '1000', '10000'];

function controls(params) {
  const text = (name, label, placeholder) => `<label>${label}<input name="${name}" value="${esc(params.get(name) ?? '')}" placeholder="${placeholder}" size="12"></label>`;
  const date = (name, label) => `<label>${label} (${ZONE_LABEL} date)<input type="date" name="${name}" value="${esc(params.get(name) ?? '')}"></label>`;
  return `<form class="controls" id="filters">${text('srv', 'SRV', '4.1.1')}
    ${select('region', 'CSP region', ['', 'NORTH', 'CENTRAL', 'SOUTH'].map((r) => [r, r || 'all']), params.get('region') ?? '')}
    ${select('outcome', 'outcome', [['', 'all'], ['success', 'success'], ['failure', 'failure']], params.get('outcome') ?? '')}
    ${text('firmware', 'firmware', 'version')}${text('chFirmware', 'CH firmware', 'version')}${text('model', 'device model', 'model')}${text('party', 'party (EUI-64)', '90-B3-…')}
    ${date('from', 'from')}${date('to', 'to, exclusive')}
    ${select('limit', 'newest', LIMITS.map((l) => [l, l]), params.get('limit') ?? '100')}
    <button type="submit">Apply</button><button type="button" id="csv">CSV of this list</button></form>`;
}

/** A bar of the journey's segments on a common scale (`scaleUs` fills the cell). */
function bar(j, scaleUs) {
  return `<div class="stack">${j.segments.map((s) => {
    const p = partOf(s);
    return `<span title="${esc(s.from)} → ${esc(s.to)}: ${ms(s.us)} ms ± ${ms(s.uncertaintyUs) || '?'} (${p.name})" style="width:${(100 * Math.max(0, s.us)) / scaleUs}%;background:${p.colour}"></span>`;
  }).join('')}</div>`;
}

function list(journeys, selected) {
  const scaleUs = Math.max(1, ...journeys.map((j) => j.segments.reduce((t, s) => t + Math.max(0, s.us), 0)));
  const rows = journeys.map((j) => `<tr class="pick${j.key === selected ? ' selected' : ''}" data-key="${esc(j.key)}">
    <td>${esc(ukDateTime(j.startedUs / 1000))}</td><td>${esc(j.srv)}</td><td>${esc(j.context.cspRegion)}</td>
    <td class="${j.outcome}">${esc(j.outcome)}${j.reason ? ` (${esc(j.reason)})` : ''}</td>
    <td class="num">${ms(j.figures.rttUs)}</td><td class="num">${ms(j.figures.dccUs)}</td><td class="num">${ms(j.figures.hanUs)}</td>
    <td>${esc(j.context.deviceModel)}</td><td>${esc(j.context.firmwareVersion)}</td><td>${bar(j, scaleUs)}</td></tr>`).join('');
  return `<p class="muted">${journeys.length} journeys, newest first; bars share one axis, 0 to ${ms(scaleUs)} ms.</p>${legend()}
    <div class="scroll"><table id="journey-table"><thead><tr><th>started (${ZONE_LABEL})</th><th>SRV</th><th>region</th><th>outcome</th><th class="num">RTT ms</th>
    <th class="num">DCC ms</th><th class="num">HAN ms</th><th>device model</th><th>firmware</th><th>where the time went</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="10" class="muted">no journeys match</td></tr>'}</tbody></table></div>`;
}

/** The hop timeline: each segment where it sits in the journey, its ± uncertainty as a whisker. */
function timeline(j) {
  const at = new Map(j.hops.map((h) => [h.point, h.collectorUs ?? h.timeUs]));
  const t0 = Math.min(...j.hops.map((h) => h.collectorUs ?? h.timeUs));
  const spanUs = Math.max(1, ...j.hops.map((h) => (h.collectorUs ?? h.timeUs) - t0));
  const x = (us) => `${Math.min(100, Math.max(0, (100 * us) / spanUs))}%`;
  const rows = j.segments.map((s) => {
    const start = (at.get(s.from) ?? t0) - t0;
    const u = s.uncertaintyUs;
    const whisker = u === null ? '' : `<i class="err" style="left:${x(start + s.us - u)};width:${x(2 * u)}"></i>`;
    return `<div class="seg-label">${esc(s.from)} → ${esc(s.to)}: <b>${ms(s.us)} ms</b> ± ${u === null ? 'unknown (agent not synchronised)' : `${ms(u)} ms`}${s.crossAgent ? ' · two clocks' : ''}</div>
      <div class="seg"><i class="bar" style="left:${x(start)};width:${x(Math.max(0, s.us))};background:${partOf(s).colour}"></i>${whisker}</div>`;
  }).join('');
  const inOrder = [...j.hops].sort((a, b) => (a.collectorUs ?? a.timeUs) - (b.collectorUs ?? b.timeUs));
  const hops = inOrder.map((h) => `<tr><td>${esc(h.point)}</td><td>${esc(h.agentId)}</td><td class="num">${ms((h.collectorUs ?? h.timeUs) - t0)}</td>
    <td class="num">${h.uncertaintyUs === undefined ? '' : ms(h.uncertaintyUs) || 'unknown'}</td><td>${esc(h.code ?? '')}</td></tr>`).join('');
  return `<div class="panel" id="journey"><h2>${esc(j.key)}</h2>
    <p>${esc(j.kind)} ${esc(j.srv)}, started ${esc(ukDateTime(j.startedUs / 1000))} ${ZONE_LABEL}, <span class="${j.outcome}">${esc(j.outcome)}${j.reason ? ` (${esc(j.reason)})` : ''}</span>
    ${j.flags.map((f) => `<span class="flag">${esc(f)}</span>`).join(' ')}</p>
    <div class="timeline">${rows}</div>
    <h3>Hops (ms after the first, collector clock)</h3><div class="scroll"><table><thead><tr><th>point</th><th>agent</th><th class="num">ms</th><th class="num">± ms</th><th>code</th></tr></thead><tbody>${hops}</tbody></table></div></div>`;
}

function download(name, text) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export const journeys = {
  title: 'Journeys',
  async render(main, params, go) {
    main.innerHTML = `${controls(params)}<div id="detail"></div><div id="list"></div>`;
    const form = main.querySelector('#filters');
    const current = () => new URLSearchParams([...new FormData(form)].filter(([k, v]) => v !== '' && !(k === 'limit' && v === '100')));
    form.onsubmit = (e) => {
      e.preventDefault();
      go(current());
    };
    for (const s of form.querySelectorAll('select')) s.onchange = () => go(current());

    const q = { ...Object.fromEntries(API_FILTERS.map((f) => [f, params.get(f) ?? ''])), ...Object.fromEntries(Object.entries(CONTEXT_FILTERS).map(([f, field]) => [field, params.get(f) ?? ''])) };
    const from = params.get('from') ? ukMidnight(params.get('from')) : '';
    const to = params.get('to') ? ukMidnight(params.get('to')) : '';
    const key = params.get('key');
    const [answer, detail] = await Promise.all([
      get(url('/api/v1/journeys', { ...q, from, to, limit: params.get('limit') ?? '100' })),
      key ? get(`/api/v1/journeys/${encodeURIComponent(key)}`) : undefined,
    ]);
    const shown = answer.journeys;
    main.querySelector('#list').innerHTML = list(shown, key);
    if (detail) main.querySelector('#detail').innerHTML = timeline(detail.journeys.at(-1));
    main.querySelector('#csv').onclick = () => download('hopwatch-journeys.csv', journeysCsv(shown));
    for (const tr of main.querySelectorAll('#journey-table tr.pick')) {
      tr.onclick = () => {
        const next = new URLSearchParams(params);
        next.set('key', tr.dataset.key);
        go(next);
        window.scrollTo(0, 0);
      };
    }
  },
};
