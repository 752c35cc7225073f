// The publishing half of the naive pipeline, as a child process: the traffic of
// bench/synthetic-traffic.ts, but each stamp is one JSON MQTT message (QoS 1, mqtt.js
// defaults), in the agent's own JSON intake format. Options come as JSON in argv[2].
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type { Agent } from '../agent/agent.js';
import type { JourneyKey } from '../agent/journey-key.js';
import type { HopContext } from '../proto/hop-context.js';
import { hopPointName } from '../proto/hop-point.js';
import { naiveTopic, type NaivePublisherOptions, type PublisherProgress } from './naive-messages.js';
import { createTraffic, type TrafficGroup } from './synthetic-traffic.js';

const options = JSON.parse(process.argv[2]!) as NaivePublisherOptions;
const ACK_WAIT_MS = 60_000;

let sent = 0;
let acked = 0;
let failed = 0;
let firstSentAtMs = 0;
let peakRss = 0;
const cpuStart = process.cpuUsage();
const clients: mqtt.MqttClient[] = [];
// A user keeps the key's text with the journey rather than formatting it for every hop.
const keyText = new WeakMap<JourneyKey, string>();
const nowUs = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

const onPublished = (err?: Error) => {
  if (err) failed++;
  else acked++;
};

async function publisher(id: string): Promise<Agent> {
  const client = await mqtt.connectAsync(options.brokerUrl, { clientId: `naive-${id}-${process.pid}` });
  clients.push(client);
  const topic = naiveTopic(id);
  const stamp = (key: JourneyKey, point: number, context?: HopContext) => {
    let k = keyText.get(key);
    if (k === undefined) keyText.set(key, (k = key.toString()));
    const payload = JSON.stringify({ key: k, point: hopPointName(point), timeUs: nowUs(), ...context });
    if (sent++ === 0) firstSentAtMs = Date.now();
    client.publish(topic, payload, { qos: 1 }, onPublished);
  };
  // createTraffic calls nothing but stamp(); the rest of an agent has no meaning here.
  return { agentId: id, stamp } as unknown as Agent;
}

const progress = (type: PublisherProgress['type']): PublisherProgress => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const cpu = process.cpuUsage(cpuStart);
  return { type, sent, acked, failed, firstSentAtMs, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes: peakRss };
};
const report = (type: PublisherProgress['type']) =>
  new Promise<void>((resolve) => (process.send ? process.send(progress(type), () => resolve()) : resolve()));

async function main(): Promise<void> {
  const groups: TrafficGroup[] = [];
  for (let g = 0; g < options.groups; g++) {
    groups.push({ gateway: await publisher(`gw-${g}`), csp: await publisher(`csp-${g}`), rig: await publisher(`rig-${g}`) });
  }
  // Every journey its own device, as across a national fleet.
  const traffic = createTraffic({ groups, hopsPerSecond: options.hopsPerSecond, devicesPerGroup: 1 << 20 }, Date.now());
  let stopping = false;
  const timer = setInterval(() => void report('progress'), 250);
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    stopping = true;
    traffic.stopStarting();
  });

  // The wheel has 10 ms slots: waking every 2 ms keeps stamps on time without spinning.
  await new Promise<void>((resolve) => {
    const loop = () => {
      traffic.pump(Date.now());
      if (stopping && traffic.idle) return resolve();
      setTimeout(loop, 2);
    };
    loop();
  });
  const deadline = Date.now() + ACK_WAIT_MS;
  while (acked + failed < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(timer);
  await report('done');
  await Promise.all(clients.map((c) => c.endAsync()));
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`naive publisher: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
