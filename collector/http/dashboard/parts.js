// The parts of the network a journey's segments cross, in the order a request meets them.
export const PARTS = [
  { id: 'dsp', name: 'DSP', colour: 'var(--dsp)', segments: ['UG_IN>DSP_OUT', 'DSP_OUT>CSP_OUT', 'CSP_IN>DSP_IN', 'DSP_IN>UG_OUT', 'DSP_OUT>S1SP_OUT', 'S1SP_IN>DSP_IN'] },
  { id: 'csp', name: 'CSP/WAN', colour: 'var(--csp)', segments: ['CSP_OUT>CH_IN', 'CH_OUT>CSP_IN', 'ALERT_CH_OUT>ALERT_CSP_IN', 'ALERT_CSP_IN>ALERT_UG_OUT'] },
  { id: 'ch', name: 'CH', colour: 'var(--ch)', segments: ['CH_IN>HAN_OUT', 'HAN_IN>CH_OUT', 'ALERT_RAISED>ALERT_CH_OUT'] },
  { id: 'han', name: 'HAN', colour: 'var(--han)', segments: ['HAN_OUT>HAN_IN', 'S1SP_OUT>S1SP_IN'] },
];
export const OTHER = { id: 'other', name: 'other', colour: 'var(--other)', segments: [] };

export const partOf = (segment) => PARTS.find((p) => p.segments.includes(`${segment.from}>${segment.to}`)) ?? OTHER;

/** A journey's time per part, in microseconds (parts it does not cross are absent). */
export function timePerPart(journey) {
  const out = {};
  for (const s of journey.segments) {
    const id = partOf(s).id;
    out[id] = (out[id] ?? 0) + s.us;
  }
  return out;
}

export const legend = () => `<div class="legend">${PARTS.map((p) => `<span><i style="background:${p.colour}"></i>${p.name}</span>`).join('')}</div>`;
