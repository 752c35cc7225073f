// A journey's hops as stored in journeys.hops: compact binary, read back only to show one
// journey or to amend it.
//   u8 version (1), u8 agentCount, agentCount x (u8 length, ASCII agent id),
//   u8 hopCount, hopCount x (u8 point, u8 agent index, f64 LE time us, u8 code length, ASCII code)
import type { RecordHop } from '../join/journey-record.js';

const VERSION = 1;

export function encodeHops(hops: readonly RecordHop[]): Buffer {
  const agents: string[] = [];
  let size = 3;
  for (const h of hops) {
    if (!agents.includes(h.agentId)) {
      agents.push(h.agentId);
      size += 1 + h.agentId.length;
    }
    size += 11 + (h.code?.length ?? 0);
  }
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  out[p++] = VERSION;
  out[p++] = agents.length;
  for (const a of agents) {
    out[p++] = a.length;
    p += out.write(a, p, 'latin1');
  }
  out[p++] = hops.length;
  for (const h of hops) {
    out[p++] = h.point;
    out[p++] = agents.indexOf(h.agentId);
    out.writeDoubleLE(h.timeUs, p);
    p += 8;
    const code = h.code ?? '';
    out[p++] = code.length;
    p += out.write(code, p, 'latin1');
  }
  return out;
}

export function decodeHops(buf: Buffer): RecordHop[] {
  let p = 0;
  if (buf[p++] !== VERSION) throw new Error(`unknown hops encoding ${buf[0]}`);
  const agents: string[] = [];
  for (let n = buf[p++]!; n > 0; n--) {
    const len = buf[p++]!;
    agents.push(buf.toString('latin1', p, p + len));
    p += len;
  }
  const hops: RecordHop[] = [];
  for (let n = buf[p++]!; n > 0; n--) {
    const point = buf[p++]!;
    const agentId = agents[buf[p++]!]!;
    const timeUs = buf.readDoubleLE(p);
    p += 8;
    const len = buf[p++]!;
    const code = len > 0 ? buf.toString('latin1', p, p + len) : undefined;
    p += len;
    hops.push(code === undefined ? { point, agentId, timeUs } : { point, agentId, timeUs, code });
  }
  return hops;
}
