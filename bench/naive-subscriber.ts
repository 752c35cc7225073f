// The storing half of the naive pipeline, as a child process: subscribes to every
// publisher's hops (QoS 1) and stores one SQLite row per hop (better-sqlite3, WAL),
// joining nothing. Options come as JSON in argv[2].
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { NAIVE_TOPIC_FILTER, type NaiveSubscriberOptions, type SubscriberProgress } from './naive-messages.js';

const options = JSON.parse(process.argv[2]!) as NaiveSubscriberOptions;

const db = new Database(options.file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
db.exec(`
  CREATE TABLE IF NOT EXISTS hops (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    point TEXT NOT NULL,
    time_us INTEGER,
    code TEXT, srv TEXT, device_type TEXT, device_model TEXT, firmware_version TEXT,
    ch_firmware_version TEXT, csp_region TEXT, smets_generation TEXT, user_role TEXT
  );
`);
const insert = db.prepare(`INSERT INTO hops (key, point, time_us, code, srv, device_type, device_model, firmware_version,
  ch_firmware_version, csp_region, smets_generation, user_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

interface JsonHop {
  key?: unknown; point?: unknown; timeUs?: unknown; code?: unknown; srv?: unknown; deviceType?: unknown; deviceModel?: unknown;
  firmwareVersion?: unknown; chFirmwareVersion?: unknown; cspRegion?: unknown; smetsGeneration?: unknown; userRole?: unknown;
}

let stored = 0;
let bad = 0;
let lastStoredAtMs = 0;
let peakRss = 0;
const cpuStart = process.cpuUsage();

const text = (v: unknown) => (typeof v === 'string' ? v : null);
const row = (h: JsonHop) => [
  h.key, h.point, typeof h.timeUs === 'number' ? h.timeUs : null, text(h.code), text(h.srv), text(h.deviceType), text(h.deviceModel),
  text(h.firmwareVersion), text(h.chFirmwareVersion), text(h.cspRegion), text(h.smetsGeneration), text(h.userRole),
];

const parse = (payload: Buffer): JsonHop | undefined => {
  try {
    const h = JSON.parse(payload.toString()) as JsonHop;
    if (typeof h.key === 'string' && typeof h.point === 'string') return h;
  } catch {
    // counted below, like any other message that is not a hop
  }
  bad++;
  return undefined;
};

const storeOne = (payload: Buffer) => {
  const h = parse(payload);
  if (!h) return;
  insert.run(row(h));
  stored++;
  lastStoredAtMs = Date.now();
};

let waiting: JsonHop[] = [];
const insertAll = db.transaction((hops: readonly JsonHop[]) => {
  for (const h of hops) insert.run(row(h));
});
const commitTurn = () => {
  const hops = waiting;
  waiting = [];
  insertAll(hops);
  stored += hops.length;
  lastStoredAtMs = Date.now();
};
const storeInTurn = (payload: Buffer) => {
  const h = parse(payload);
  if (!h) return;
  if (waiting.push(h) === 1) setImmediate(commitTurn);
};

const progress = (type: SubscriberProgress['type']): SubscriberProgress => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const cpu = process.cpuUsage(cpuStart);
  return { type, stored, bad, lastStoredAtMs, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes: peakRss };
};
const report = (type: SubscriberProgress['type']) =>
  new Promise<void>((resolve) => (process.send ? process.send(progress(type), () => resolve()) : resolve()));

async function main(): Promise<void> {
  const client = await mqtt.connectAsync(options.brokerUrl, { clientId: `naive-store-${process.pid}` });
  client.on('message', options.commit === 'per-hop' ? (_topic, payload) => storeOne(payload) : (_topic, payload) => storeInTurn(payload));
  await client.subscribeAsync(NAIVE_TOPIC_FILTER, { qos: 1 });
  const timer = setInterval(() => void report('progress'), 250);
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    clearInterval(timer);
    void (async () => {
      await client.endAsync(true);
      if (waiting.length > 0) commitTurn();
      await report('stopped');
      db.close();
      process.exit(0);
    })();
  });
  await report('ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`naive subscriber: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
