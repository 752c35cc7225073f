// A record's figures and segments as stored in journeys.figures, computed once when the
// joiner built the record and read back as they were (the store never measures hops):
//   u8 version (1), u8 flags (1 unreconciled, 2 unsynchronised, 4 drift-beyond-limit),
//   u8 figureCount, figureCount x (u8 figure index in FIGURE_NAMES, u8 cross-agent, f64 LE value, f64 LE uncertainty),
//   u8 segmentCount, segmentCount x (u8 from point, u8 to point, u8 cross-agent, f64 LE us, f64 LE uncertainty)
// Infinity (an agent's clock not known yet) is an f64 like any other.
import { hopPointByName, hopPointName } from '../../proto/hop-point.js';
import type { FigureName, Figures, RecordFlag, Segment } from '../join/journey-record.js';
import { FIGURE_NAMES } from '../join/journey-record.js';

const VERSION = 1;
const FIGURE_BYTES = 18;
const SEGMENT_BYTES = 19;

/** What a read shows beside the hops, as the record was built. */
export interface StoredFigures {
  readonly figures: Figures;
  readonly figureUncertaintyUs: Figures;
  readonly crossAgent: readonly FigureName[];
  readonly flags: readonly RecordFlag[];
  readonly segments: readonly Segment[];
}

export function encodeFigures(r: StoredFigures): Buffer {
  const names = Object.keys(r.figures) as FigureName[];
  const out = Buffer.allocUnsafe(4 + names.length * FIGURE_BYTES + r.segments.length * SEGMENT_BYTES);
  let p = 0;
  out[p++] = VERSION;
  out[p++] = (r.flags.includes('unreconciled') ? 1 : 0) | (r.flags.includes('unsynchronised') ? 2 : 0) | (r.flags.includes('drift-beyond-limit') ? 4 : 0);
  out[p++] = names.length;
  for (const name of names) {
    out[p++] = FIGURE_NAMES.indexOf(name);
    out[p++] = r.crossAgent.includes(name) ? 1 : 0;
    p = out.writeDoubleLE(r.figures[name]!, p);
    p = out.writeDoubleLE(r.figureUncertaintyUs[name]!, p);
  }
  out[p++] = r.segments.length;
  for (const g of r.segments) {
    out[p++] = hopPointByName(g.from)!;
    out[p++] = hopPointByName(g.to)!;
    out[p++] = g.crossAgent ? 1 : 0;
    p = out.writeDoubleLE(g.us, p);
    p = out.writeDoubleLE(g.uncertaintyUs, p);
  }
  return out;
}

export function decodeFigures(buf: Buffer): StoredFigures {
  let p = 0;
  if (buf[p++] !== VERSION) throw new Error(`unknown figures encoding ${buf[0]}`);
  const bits = buf[p++]!;
  const flags: RecordFlag[] = [];
  if (bits & 1) flags.push('unreconciled');
  if (bits & 2) flags.push('unsynchronised');
  if (bits & 4) flags.push('drift-beyond-limit');
  const figures: Figures = {};
  const figureUncertaintyUs: Figures = {};
  const crossAgent: FigureName[] = [];
  for (let n = buf[p++]!; n > 0; n--) {
    const name = FIGURE_NAMES[buf[p++]!]!;
    if (buf[p++] === 1) crossAgent.push(name);
    figures[name] = buf.readDoubleLE(p);
    figureUncertaintyUs[name] = buf.readDoubleLE(p + 8);
    p += 16;
  }
  const segments: Segment[] = [];
  for (let n = buf[p++]!; n > 0; n--) {
    const from = hopPointName(buf[p]!);
    const to = hopPointName(buf[p + 1]!);
    const crossAgent = buf[p + 2] === 1;
    segments.push({ from, to, crossAgent, us: buf.readDoubleLE(p + 3), uncertaintyUs: buf.readDoubleLE(p + 11) });
    p += SEGMENT_BYTES;
  }
  return { figures, figureUncertaintyUs, crossAgent, flags, segments };
}
