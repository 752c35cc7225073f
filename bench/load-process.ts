// A child process that runs benchmark agents (real agents, default settings) and stamps
// synthetic traffic at a target rate. Talks to the parent over IPC:
//   parent -> { type: 'stop' }                       stop starting journeys, finish, drain
//   child  -> { type: 'progress', stamped, finals }  every 250 ms
//   child  -> { type: 'done', ... }                  after every agent's buffer is acknowledged
import { join } from 'node:path';
import { createAgent, type Agent } from '../agent/agent.js';
import { agentDefaults } from '../agent/config.js';
import { JourneyKey } from '../agent/journey-key.js';
import { HopPoint } from '../proto/hop-point.js';
import { createTraffic, type TrafficGroup } from './synthetic-traffic.js';

export interface LoadProcessOptions {
  readonly brokerUrl: string;
  readonly dataDir: string;
  readonly groups: number;
  readonly hopsPerSecond: number;
  readonly devicesPerGroup: number;
  /** Report the wall time of each journey's final stamp for 1 journey in `sampleEvery`. */
  readonly sampleEvery: number;
  /** Open 24-hour-class journeys (UG_IN only) stamped before the traffic starts. */
  readonly idleJourneys: number;
}

const options = JSON.parse(process.argv[2]!) as LoadProcessOptions;
const send = (msg: unknown) => process.send?.(msg);

const makeAgent = (agentId: string): Agent =>
  createAgent({ ...agentDefaults, agentId, broker: { ...agentDefaults.broker, url: options.brokerUrl }, buffer: { ...agentDefaults.buffer, file: join(options.dataDir, `${agentId}.db`) }, intake: { ...agentDefaults.intake, udpPort: 0, httpPort: 0 }, logLevel: 'silent' });

const groups: TrafficGroup[] = Array.from({ length: options.groups }, (_, g) => ({
  gateway: makeAgent(`gw-${g}`),
  csp: makeAgent(`csp-${g}`),
  rig: makeAgent(`rig-${g}`),
}));
const agents = groups.flatMap((g) => [g.gateway, g.csp, g.rig]);

// Journeys that stay open all run long (SRV 6.15.1, 24-hour class): the joiner's load grows with them.
const idleContext = { srv: '6.15.1', userRole: 'ED' };
for (let n = 0; n < options.idleJourneys; n++) {
  const key = new JourneyKey({ originator: { hi: 0x90b3d51f, lo: 0x30010009 }, target: { hi: 0x00db9999, lo: n }, counter: BigInt(Date.now()) * 1000n + BigInt(n) });
  groups[n % groups.length]!.gateway.stamp(key, HopPoint.UG_IN, idleContext);
  if (n % 50_000 === 49_999) await new Promise((resolve) => setImmediate(resolve));
}

let finals: [string, number][] = [];
let finalCount = 0;
const traffic = createTraffic({
  groups,
  hopsPerSecond: options.hopsPerSecond,
  devicesPerGroup: options.devicesPerGroup,
  onFinal: (key, atMs) => {
    if (finalCount++ % options.sampleEvery === 0) finals.push([key.toString(), atMs]);
  },
}, Date.now());

let stopping = false;
let peakRss = 0;
const cpuStart = process.cpuUsage();

// The wheel has 10 ms slots: waking every 2 ms keeps stamps on time without spinning.
const loop = () => {
  traffic.pump(Date.now());
  if (stopping && traffic.idle) return void finish();
  setTimeout(loop, 2);
};

const progress = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  send({ type: 'progress', stamped: traffic.stamped, started: traffic.started, finals });
  finals = [];
}, 250);

async function finish(): Promise<void> {
  clearInterval(progress);
  await Promise.all(agents.map((a) => a.drained(600_000)));
  const cpu = process.cpuUsage(cpuStart);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const dropped = agents.reduce((n, a) => n + a.status().buffer.droppedHops + a.status().writeFailedHops, 0);
  send({ type: 'done', stamped: traffic.stamped, started: traffic.started, finals, peakRssBytes: peakRss, cpuSeconds: (cpu.user + cpu.system) / 1e6, droppedHops: dropped });
  await Promise.all(agents.map((a) => a.close()));
  process.exit(0);
}

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stop') {
    stopping = true;
    traffic.stopStarting();
  }
});
loop();
