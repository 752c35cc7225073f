// The dashboard's router: the URL's hash holds the view and its filters (#/journeys?srv=4.1.1),
// so a link restores what was shown. A view is { title, render(main, params, go) }; go(params)
// changes the filters, records them in the URL and draws the view again.
import { ZONE, ZONE_LABEL } from './format.js';
import { overview } from './view-overview.js';
import { rsvp } from './view-rsvp.js';
import { timeSplit } from './view-time.js';
import { availability } from './view-availability.js';
import { devices } from './view-devices.js';
import { journeys } from './view-journeys.js';
import { agents } from './view-agents.js';
import { alerts } from './view-alerts.js';
import { inventory } from './view-inventory.js';
import { cluster } from './view-cluster.js';

const VIEWS = { overview, rsvp, time: timeSplit, availability, devices, journeys, alerts, inventory, agents, cluster };
const REFRESH_MS = 30_000;
let drawn = 0;

function route() {
  const [name, query] = location.hash.replace(/^#\/?/, '').split('?');
  return { name: VIEWS[name] ? name : 'overview', params: new URLSearchParams(query ?? '') };
}

function href(name, params) {
  const q = params.toString();
  return `#/${name}${q ? `?${q}` : ''}`;
}

/** Draws the view in the URL; a refresh (`quiet`) swaps the new drawing in only when it is complete. */
async function draw(quiet = false) {
  const { name, params } = route();
  const view = VIEWS[name];
  const id = ++drawn;
  document.title = `hopwatch · ${view.title}`;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === name);
  const main = document.getElementById('view');
  const go = (next) => {
    const changed = href(name, next);
    if (changed !== location.hash) location.hash = changed;
  };
  try {
    // Each drawing goes into a fresh element, so a slow answer never lands in a newer view.
    const next = document.createElement('div');
    next.dataset.view = name;
    const ready = view.render(next, params, go);
    if (!quiet) main.replaceChildren(next);
    await ready;
    if (id !== drawn) return;
    if (quiet) main.replaceChildren(next);
    next.dataset.ready = 'true';
  } catch (err) {
    if (id !== drawn) return;
    const message = document.createElement('p');
    message.className = 'error';
    message.dataset.ready = 'error';
    message.textContent = err.message;
    main.replaceChildren(message);
  }
}

document.getElementById('nav').innerHTML = Object.entries(VIEWS).map(([name, v]) => `<a href="#/${name}" data-view="${name}">${v.title}</a>`).join('');
document.getElementById('zone').textContent = `Times in ${ZONE_LABEL} (${ZONE})`;
window.addEventListener('hashchange', () => void draw());
void draw();
// Live views refresh; others (a month's table, a journey) stay as drawn until the filters change.
setInterval(() => {
  if (!document.hidden && VIEWS[route().name].live) void draw(true);
}, REFRESH_MS);
