// Delivers the simulation's time-probe samples to the collector the way a real agent does:
// WireTimeSample on hopwatch/v2/<agentId>/time/sample, QoS 1, over a plain MQTT client.
// One client speaks for every simulated agent; the topic says whose sample it is.
import mqtt from 'mqtt';
import type { SimulatedTimeSample } from '../firmware-stubs/time-probes.js';
import { topics } from '../proto/topics.js';
import { WireTimeSample } from '../proto/wire.js';

export interface TimeFeed {
  publish(agentId: string, sample: SimulatedTimeSample): void;
  /** Resolves once the broker has acknowledged every sample published so far. */
  settled(timeoutMs: number): Promise<void>;
  readonly published: number;
  readonly failed: number;
  close(): Promise<void>;
}

export async function connectTimeFeed(brokerUrl: string): Promise<TimeFeed> {
  const client = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0, clientId: `hopwatch-fidelity-${process.pid}` });
  let outstanding = 0;
  let published = 0;
  let failed = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    if (--outstanding > 0) return;
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  return {
    publish(agentId, s) {
      outstanding++;
      published++;
      const payload = WireTimeSample.encode({ t1Us: s.t1Us, t2Us: s.t2Us, t3Us: s.t3Us, t4Us: s.t4Us }).finish();
      client.publish(topics.timeSample(agentId), Buffer.from(payload), { qos: 1 }, (err) => {
        if (err) failed++;
        done();
      });
    },
    settled(timeoutMs) {
      if (outstanding === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`time samples not acknowledged within ${timeoutMs} ms (${outstanding} outstanding)`)), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    get published() {
      return published;
    },
    get failed() {
      return failed;
    },
    close: () => client.endAsync(),
  };
}
