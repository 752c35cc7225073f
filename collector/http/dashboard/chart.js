// Line charts (uPlot), sized to their panel and redrawn at the panel's new width.
import uPlot from './uplot.esm.js';

export const COLOURS = ['#5b8def', '#f2a33a', '#3ba776', '#8e6bd6', '#d9534f', '#17a2b8', '#795548', '#e91e63'];
const HEIGHT = 220;
const live = new Set();
let observer;

/**
 * A chart in `host`: x are epoch seconds, each series { label, values, colour?, dash? }.
 * `unit` labels the y axis; `zone` the x axis (uPlot formats the x axis in that zone).
 */
export function lineChart(host, { title, unit, x, series, zone }) {
  host.innerHTML = `<h3>${title}</h3><div></div>`;
  const el = host.lastElementChild;
  if (x.length === 0) {
    el.innerHTML = '<p class="muted">no data in this period</p>';
    return;
  }
  const opts = {
    width: Math.max(200, el.clientWidth || host.clientWidth - 10),
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
    scales: { x: { time: true } },
    axes: [{}, { label: unit, size: 60 }],
    series: [{ label: 'time' }, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour ?? COLOURS[i % COLOURS.length], width: 2, spanGaps: false,
      ...(s.dash ? { dash: [6, 4] } : {}), points: { show: x.length < 60 },
    }))],
  };
  const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
  plot.root.dataset.title = title;
  live.add(plot);
  observer ??= new ResizeObserver(() => {
    for (const p of live) {
      if (!p.root.isConnected) live.delete(p);
      else p.setSize({ width: Math.max(200, p.root.parentElement.clientWidth), height: HEIGHT });
    }
  });
  observer.observe(host);
}
