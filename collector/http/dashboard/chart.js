// Line charts (uPlot), sized to their panel and redrawn at the panel's new width.
import uPlot from './uplot.esm.js';

export const COLOURS = ['#5b8def', '#f2a33a', '#3ba776', '#8e6bd6', '#d9534f', '#17a2b8', '#795548', '#e91e63'];
const HEIGHT = 220;
const DAY_S = 86_400;

/** Axis labels in the chart's zone, 24-hour clock: times within a day or so, else dates. */
function timeLabels(zone, datesOnly) {
  const hours = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });
  const days = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: '2-digit', month: 'short' });
  const full = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
  return {
    axis: (u, splits) => {
      const span = splits.length > 1 ? splits.at(-1) - splits[0] : 0;
      return splits.map((s) => (datesOnly || span > 2 * DAY_S ? days : hours).format(new Date(s * 1000)));
    },
    legend: (u, v) => (v === null || v === undefined ? '--' : (datesOnly ? days : full).format(new Date(v * 1000))),
  };
}
/** Charts drawn, with the panel each sits in. */
const live = new Map();
let observer;

/**
 * A chart in `host`: x are epoch seconds, each series { label, values, colour?, dash? }.
 * `unit` labels the y axis; the x axis and the legend show times in `zone` (dates only with `datesOnly`).
 */
export function lineChart(host, { title, unit, x, series, zone, datesOnly = false }) {
  host.innerHTML = `<h3>${title}</h3><div></div>`;
  const el = host.lastElementChild;
  if (x.length === 0) {
    el.innerHTML = '<p class="muted">no data in this period</p>';
    return;
  }
  const labels = timeLabels(zone, datesOnly);
  const opts = {
    width: Math.max(200, el.clientWidth || host.clientWidth - 10),
    height: HEIGHT,
    // One point alone would stretch the axis over years: show it within a day (or an hour) either side.
    scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - (datesOnly ? DAY_S : 3600), max + (datesOnly ? DAY_S : 3600)] : [min, max]) } },
    axes: [{ values: labels.axis }, { label: unit, size: 60 }],
    series: [{ label: 'time', value: labels.legend }, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour ?? COLOURS[i % COLOURS.length], width: 2, spanGaps: false,
      ...(s.dash ? { dash: [6, 4] } : {}), points: { show: x.length < 60 },
    }))],
  };
  const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
  plot.root.dataset.title = title;
  live.set(plot, host);
  // A chart follows its panel's width; one whose panel left the page (a view redrawn) is let go.
  observer ??= new ResizeObserver(() => {
    for (const [p, panel] of live) {
      if (panel.isConnected) {
        p.setSize({ width: Math.max(200, p.root.parentElement.clientWidth), height: HEIGHT });
        continue;
      }
      observer.unobserve(panel);
      p.destroy();
      live.delete(p);
    }
  });
  observer.observe(host);
}
