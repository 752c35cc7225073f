// `npm run bench:clock-warmup`: how long after an agent starts its same-agent figures reach
// the fidelity goal. One agent per drift and probe path (the simulator's, as
// bench:fidelity plays them) runs its first half hour of probes through the collector's
// clock model; at each checkpoint a 30-second interval ending then is mapped as a journey
// written then would be. Prints the worst error over the seeds, per checkpoint.
import { parseArgs } from 'node:util';
import { ClockModel } from '../collector/clock/clock-model.js';
import type { AgentRole } from '../firmware-stubs/fleet.js';
import { createLatencyModel } from '../firmware-stubs/latency-model.js';
import { createRandom } from '../firmware-stubs/random.js';
import { playExchange } from '../firmware-stubs/time-probes.js';

const T0 = Date.parse('2026-01-05T08:00:00Z') * 1000;
const CHECKPOINT_MINUTES = [1, 2, 3, 4, 5, 7, 10, 15, 20, 30];
const DRIFTS_PPM = [0, 20, 50, 100, -100, 200, 500];
const INTERVAL_US = 30e6;
/** As agent/time-probe.ts sends them: eight fast exchanges, then one every 10 s. */
const FAST_PROBES = 8;

function worstErrors(role: AgentRole, driftPpm: number, seeds: number): number[] {
  const latency = createLatencyModel();
  const worst = CHECKPOINT_MINUTES.map(() => 0);
  for (let seed = 1; seed <= seeds; seed++) {
    const random = createRandom(seed);
    const readAt = (t: number) => t + 1e6 + (driftPpm * (t - T0)) / 1e6;
    const agent = { agentId: 'agent', role, clock: { readAt } };
    const model = new ClockModel();
    const start = T0 + random.next() * 60e6;
    let next = 0;
    for (let t = start, sent = 0; next < CHECKPOINT_MINUTES.length; t += sent++ < FAST_PROBES ? 0.5e6 : 10e6) {
      for (; next < CHECKPOINT_MINUTES.length && t > start + CHECKPOINT_MINUTES[next]! * 60e6; next++) {
        const mapped = model.map(readAt(t)).us - model.map(readAt(t - INTERVAL_US)).us;
        worst[next] = Math.max(worst[next]!, Math.abs(mapped - INTERVAL_US));
      }
      model.add(playExchange(agent, t, latency, random).sample);
    }
  }
  return worst;
}

const { values } = parseArgs({ options: { seeds: { type: 'string' } } });
const seeds = Number(values.seeds ?? 40);
if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`--seeds ${JSON.stringify(values.seeds)} must be a positive integer`);
process.stdout.write(`worst error (us) of a 30 s same-agent interval over ${seeds} seeds, by minutes since the agent's first probe\n`);
process.stdout.write(`${['path', 'drift ppm', ...CHECKPOINT_MINUTES.map((m) => `${m} min`)].map((c) => c.padStart(10)).join('')}\n`);
for (const role of ['gateway', 'csp', 'rig'] as const) {
  for (const drift of DRIFTS_PPM) {
    const cells = [role, String(drift), ...worstErrors(role, drift, seeds).map((us) => us.toFixed(0))];
    process.stdout.write(`${cells.map((c) => c.padStart(10)).join('')}\n`);
  }
}
