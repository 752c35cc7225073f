// A journey's hops as stored in journeys.hops: compact binary, read back only to show one
// journey or to amend it.
//   u8 version (1), u8 agentCount, agentCount x (u8 length, ASCII agent id),
//   u8 hopCount, hopCount x (u8 point, u8 agent index, f64 LE time us, u8 code length, ASCII code)
import type { JourneyHops } from '../join/journey-record.js';

const VERSION = 1;

export function encodeHops(hops: JourneyHops): Buffer {
  const agents: string[] = [];
  const n = hops.points.length;
  let size = 3;
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
  for (let i = 0; i < n; i++) {
    out[p++] = hops.points[i]!;
    out[p++] = agents.indexOf(hops.agentIds[i]!);
    out.writeDoubleLE(hops.times[i]!, p);
    p += 8;
    const code = hops.codes?.[i] ?? '';
    out[p++] = code.length;
    p = writeAscii(out, p, code);
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
  return { points, agentIds, times, codes };
}
