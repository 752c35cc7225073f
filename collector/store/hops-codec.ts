// A journey's hops as stored in journeys.hops: compact binary, read back to show one
// journey or to amend it.
//   u8 version (2), u8 agentCount, agentCount x (u8 length, ASCII agent id),
//   u8 hopCount, u8 mapped (1 when the collector-clock times follow),
//   hopCount x (u8 point, u8 agent index, f64 LE time us, u8 code length, ASCII code),
//   if mapped: hopCount x (f64 LE collector us, f64 LE uncertainty us, f64 LE rate uncertainty)
import type { JourneyHops, MappedTimes } from '../join/journey-record.js';

const VERSION = 2;

export function encodeHops(hops: JourneyHops): Buffer {
  const agents: string[] = [];
  const n = hops.points.length;
  const m = hops.mapped;
  let size = 4 + (m ? n * 24 : 0);
  for (let i = 0; i < n; i++) {
    const id = hops.agentIds[i]!;
    if (!agents.includes(id)) {
      agents.push(id);
      size += 1 + id.length;
    }
    size += 11 + (hops.codes?.[i]?.length ?? 0);
  }
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  out[p++] = VERSION;
  out[p++] = agents.length;
  for (const a of agents) {
    out[p++] = a.length;
    p = writeAscii(out, p, a);
  }
  out[p++] = n;
  out[p++] = m ? 1 : 0;
  for (let i = 0; i < n; i++) {
    out[p++] = hops.points[i]!;
    out[p++] = agents.indexOf(hops.agentIds[i]!);
    p = out.writeDoubleLE(hops.times[i]!, p);
    const code = hops.codes?.[i] ?? '';
    out[p++] = code.length;
    p = writeAscii(out, p, code);
  }
  if (m) {
    for (let i = 0; i < n; i++) {
      p = out.writeDoubleLE(m.us[i]!, p);
      p = out.writeDoubleLE(m.uncertaintyUs[i]!, p);
      p = out.writeDoubleLE(m.rateUncertainty[i]!, p);
    }
  }
  return out;
}

/** Agent ids and codes are short ASCII: a loop beats a native call per string. */
function writeAscii(out: Buffer, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  return p;
}

export function decodeHops(buf: Buffer): JourneyHops {
  let p = 0;
  if (buf[p++] !== VERSION) throw new Error(`unknown hops encoding ${buf[0]}`);
  const agents: string[] = [];
  for (let n = buf[p++]!; n > 0; n--) {
    const len = buf[p++]!;
    agents.push(buf.toString('latin1', p, p + len));
    p += len;
  }
  const n = buf[p++]!;
  const hasMapped = buf[p++] === 1;
  const points = new Array<number>(n);
  const agentIds = new Array<string>(n);
  const times = new Array<number>(n);
  const codes = new Array<string | undefined>(n);
  for (let i = 0; i < n; i++) {
    points[i] = buf[p++]!;
    agentIds[i] = agents[buf[p++]!]!;
    times[i] = buf.readDoubleLE(p);
    p += 8;
    const len = buf[p++]!;
    codes[i] = len > 0 ? buf.toString('latin1', p, p + len) : undefined;
    p += len;
  }
  if (!hasMapped) return { points, agentIds, times, codes };
  const mapped: MappedTimes = { us: new Array<number>(n), uncertaintyUs: new Array<number>(n), rateUncertainty: new Array<number>(n) };
  for (let i = 0; i < n; i++) {
    (mapped.us as number[])[i] = buf.readDoubleLE(p);
    (mapped.uncertaintyUs as number[])[i] = buf.readDoubleLE(p + 8);
    (mapped.rateUncertainty as number[])[i] = buf.readDoubleLE(p + 16);
    p += 24;
  }
  return { points, agentIds, times, codes, mapped };
}
