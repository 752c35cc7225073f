// The DUIS tap between a fake DCC User Interface and a fake User endpoint, stamping on its own
// agent into a real collector (embedded broker, SQLite), all on loopback.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createPlainServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { tapDefaults, type TapConfig } from '../../tap/config.js';
import { startTap, type Tap } from '../../tap/tap.js';
import { duisAcknowledgement, duisDeviceAlert, duisRequest, post, startFakeDcc, startFakeUserEndpoint, type Answer, type FakeDcc, type Received } from '../helpers/duis.js';
import { startTestCollector, testAgentConfig } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTestPki } from '../helpers/tls.js';

const USER = '90-B3-D5-1F-30-01-00-00';
const key = (device: string, counter: number) => `${USER}:${device}:${counter}`;
const CODES: Record<string, string> = { '4.8.1': 'I0', '2.2': 'E20', '4.1.1': 'E21' };
const ACK_DELAY_MS = 30;
const RESPONSE_DELAY_MS = 200;

/** Three Service Requests, one with a 1 MiB payload of multi-byte text, each with a header of the User's own. */
const TRAFFIC = [
  { key: key('00-DB-12-34-56-78-90-A0', 1795000000001), srv: '4.8.1', payload: 'Zählerstand ✓ '.repeat(70_000) },
  { key: key('00-DB-12-34-56-78-90-A1', 1795000000002), srv: '2.2', payload: '' },
  { key: key('00-DB-12-34-56-78-90-A2', 1795000000003), srv: '4.1.1', payload: randomBytes(3000).toString('base64') },
];

/** What each side received, without the headers that describe one connection. */
const view = (r: Received | Answer) => {
  const { host: _host, connection: _connection, 'keep-alive': _keepAlive, date: _date, ...headers } = r.headers;
  return { ...('path' in r ? { method: r.method, path: r.path } : { status: r.status }), headers, body: r.body.toString('base64') };
};
/** A stand-in for the agent's worker thread, to stall or fail the agent. */
const standIn = (name: string) => fileURLToPath(new URL(`../fixtures/tap/${name}`, import.meta.url));
const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('hopwatch tap', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  let tap: Tap | undefined;
  let dcc: FakeDcc;
  let user: Awaited<ReturnType<typeof startFakeUserEndpoint>>;
  let deliverTo = '';

  beforeEach(async () => {
    dir = tempDir();
    user = await startFakeUserEndpoint();
    dcc = await startFakeDcc({ deliverTo: () => deliverTo, ackDelayMs: ACK_DELAY_MS, responseDelayMs: RESPONSE_DELAY_MS, codeOf: (srv) => CODES[srv] ?? 'I0' });
  });
  afterEach(async () => {
    await dcc.settled().catch(() => undefined);
    await tap?.close();
    tap = undefined;
    await collector?.close();
    collector = undefined;
    await dcc.close();
    await user.close();
    dir.cleanup();
  });

  const tapConfig = (brokerUrl: string): TapConfig => ({
    ...tapDefaults,
    dcc: { ...tapDefaults.dcc, port: 0, url: dcc.url },
    user: { ...tapDefaults.user, port: 0, url: user.url },
    agent: testAgentConfig(dir.path, 'duis-tap', brokerUrl),
  });

  /** Sends the traffic to `entry` (the DCC, or the tap in front of it) and waits for every delivery. */
  const exchange = async (entry: string) => {
    const answers = await Promise.all(TRAFFIC.map((t) => post(`${entry}/api/v1/serviceD`, duisRequest(t.key, t.srv, t.payload), { 'x-user-trace': t.srv })));
    await waitFor(() => dcc.delivered.length === TRAFFIC.length, 10_000, 'every Service Response delivered');
    await dcc.settled();
    return answers;
  };

  it('stamps UG_IN, UG_ACK and UG_OUT so that each journey has its SRV, code, ack time and RTT', async () => {
    collector = await startTestCollector(dir.path);
    tap = await startTap(tapConfig(collector.brokerUrl));
    deliverTo = tap.userUrl!;

    const answers = await exchange(tap.dccUrl);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await tap.agent.drained(10_000);

    for (const t of TRAFFIC) {
      const { journeys } = await waitFor(async () => {
        const res = await fetch(`${collector!.httpUrl}/api/v1/journeys/${t.key}`);
        return res.status === 200 && (await res.json()) as { journeys: { srv: string; code: string; outcome: string; figures: { rttUs: number; ackUs: number } }[] };
      }, 10_000, `journey ${t.key}`);
      expect(journeys).toHaveLength(1);
      const j = journeys[0]!;
      expect(j).toMatchObject({ srv: t.srv, code: CODES[t.srv], outcome: t.srv === '4.8.1' ? 'success' : 'failure' });
      expect(j.figures.ackUs).toBeGreaterThanOrEqual(ACK_DELAY_MS * 1000);
      expect(j.figures.rttUs).toBeGreaterThanOrEqual(RESPONSE_DELAY_MS * 1000);
      expect(j.figures.rttUs).toBeGreaterThan(j.figures.ackUs);
      expect(j.figures.rttUs).toBeLessThan(5_000_000);
    }
    expect(tap.counters()).toMatchObject({ serviceRequests: 3, acknowledgements: 3, responses: 3, alerts: 0, droppedFields: 0 });
  });

  it('stamps a device alert delivered to the User as ALERT_UG_OUT with its alert code', async () => {
    collector = await startTestCollector(dir.path);
    tap = await startTap(tapConfig(collector.brokerUrl));
    const alertKey = `00-DB-12-34-56-78-90-A0:${USER}:1795000123456`;

    const answer = await post(`${tap.userUrl}/services/alert`, duisDeviceAlert(alertKey, '8F72'));
    expect(answer.status).toBe(200);
    await tap.agent.drained(10_000);

    const { journeys } = await waitFor(async () => {
      const res = await fetch(`${collector!.httpUrl}/api/v1/journeys/${alertKey}`);
      return res.status === 200 && (await res.json()) as { journeys: { kind: string; srv: string }[] };
    }, 10_000, 'the alert journey');
    expect(journeys[0]).toMatchObject({ kind: 'alert', srv: '0x8F72' });
    expect(tap.counters().alerts).toBe(1);
  });

  it('delivers the same bytes upstream and downstream with and without the tap', async () => {
    deliverTo = user.url;
    const directAnswers = await exchange(dcc.url);
    const direct = { dcc: sorted(dcc.received.splice(0).map(view)), user: sorted(user.received.splice(0).map(view)), answers: directAnswers.map(view), delivered: sorted(dcc.delivered.splice(0).map(view)) };

    collector = await startTestCollector(dir.path);
    tap = await startTap(tapConfig(collector.brokerUrl));
    deliverTo = tap.userUrl!;
    const tappedAnswers = await exchange(tap.dccUrl);
    const tapped = { dcc: sorted(dcc.received.splice(0).map(view)), user: sorted(user.received.splice(0).map(view)), answers: tappedAnswers.map(view), delivered: sorted(dcc.delivered.splice(0).map(view)) };

    expect(direct.dcc).toHaveLength(3);
    expect(direct.user).toHaveLength(3);
    expect(tapped).toEqual(direct);
  });

  it('forwards unreadable messages unchanged and counts them unstamped', async () => {
    collector = await startTestCollector(dir.path);
    tap = await startTap(tapConfig(collector.brokerUrl));
    const garbage = Buffer.from([0x00, 0xff, 0x3c, 0x3c, 0x21, 0x80]);

    const answer = await post(`${tap.dccUrl}/api/v1/serviceD`, garbage);
    const badKey = await post(`${tap.dccUrl}/api/v1/serviceD`, duisRequest('not:a:key', '4.8.1'));

    expect(answer.status).toBe(400);
    expect(badKey.status).toBe(200);
    expect(dcc.received[0]!.body.equals(garbage)).toBe(true);
    expect(tap.counters()).toMatchObject({ serviceRequests: 0, unstamped: { 'unreadable-header': 2, 'bad-key': 2 } });
  });

  it('passes traffic unaffected while the agent cannot reach its broker', async () => {
    collector = await startTestCollector(dir.path);
    const brokerUrl = collector.brokerUrl;
    await collector.close();
    collector = undefined;
    tap = await startTap(tapConfig(brokerUrl));
    deliverTo = tap.userUrl!;

    const answers = await exchange(tap.dccUrl);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(dcc.received.map((r) => r.body.toString('utf8')).sort()).toEqual(TRAFFIC.map((t) => duisRequest(t.key, t.srv, t.payload)).sort());
    expect(user.received).toHaveLength(3);
    expect((await tap.agent.status()).connection).not.toBe('connected');
    expect(tap.counters()).toMatchObject({ serviceRequests: 3, acknowledgements: 3, responses: 3 });
  });

  it('passes traffic unchanged and counts each message unstamped while its agent is down', async () => {
    tap = await startTap(tapConfig('mqtt://127.0.0.1:1'), { agentWorker: standIn('failing-agent-worker.mjs') });
    deliverTo = tap.userUrl!;
    await waitFor(() => !tap!.agent.running, 10_000, 'the agent to stop');

    const answers = await exchange(tap.dccUrl);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(dcc.received.map((r) => r.body.toString('utf8')).sort()).toEqual(TRAFFIC.map((t) => duisRequest(t.key, t.srv, t.payload)).sort());
    expect(user.received).toHaveLength(3);
    expect(tap.counters()).toMatchObject({ serviceRequests: 0, acknowledgements: 0, responses: 0, unstamped: { 'agent-down': 9, 'agent-behind': 0 } });
  });

  it('passes traffic unchanged and counts the hops its queue refuses while the agent is behind', async () => {
    tap = await startTap({ ...tapConfig('mqtt://127.0.0.1:1'), agentQueueHops: 64 }, { agentWorker: standIn('stalled-agent-worker.mjs') });
    deliverTo = tap.userUrl!;
    const exchanges = 30;

    for (let i = 0; i < exchanges; i++) {
      const answer = await post(`${tap.dccUrl}/api/v1/serviceD`, duisRequest(key('00-DB-12-34-56-78-90-A0', 1795000001000 + i), '4.8.1'));
      expect(answer.status).toBe(200);
    }
    await waitFor(() => dcc.delivered.length === exchanges, 10_000, 'every Service Response delivered');
    await dcc.settled();

    expect(user.received).toHaveLength(exchanges);
    const c = tap.counters();
    expect(c.serviceRequests + c.acknowledgements + c.responses).toBe(64);
    expect(c.unstamped['agent-behind']).toBe(exchanges * 3 - 64);
    expect(c.agentQueue).toEqual({ queuedHops: 64, capacityHops: 64 });
  });

  it('breaks the sender\'s connection when the DCC breaks off mid-answer, and counts it', async () => {
    collector = await startTestCollector(dir.path);
    const breaking = createPlainServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '4000' });
        res.write('<sr:Response xmlns:sr="x"><sr:Header>');
        setTimeout(() => res.socket?.destroy(), 50);
      });
    });
    await new Promise<void>((resolve) => breaking.listen(0, '127.0.0.1', resolve));
    tap = await startTap({ ...tapConfig(collector.brokerUrl), dcc: { ...tapDefaults.dcc, port: 0, url: `http://127.0.0.1:${(breaking.address() as { port: number }).port}` } });

    const outcome = await post(`${tap.dccUrl}/api/v1/serviceD`, duisRequest(TRAFFIC[1]!.key, '2.2')).then(() => 'whole answer', (err: Error) => err.message);
    breaking.closeAllConnections();
    await new Promise<void>((resolve) => breaking.close(() => resolve()));

    expect(outcome).not.toBe('whole answer');
    await waitFor(() => tap!.counters().dcc.inFlight === 0, 5000, 'the exchange to end');
    expect(tap.counters().dcc).toMatchObject({ upstreamFailures: 1 });
    expect(tap.counters()).toMatchObject({ serviceRequests: 1, acknowledgements: 0 });
  });

  it('answers 502 and counts it when the DCC cannot be reached', async () => {
    collector = await startTestCollector(dir.path);
    const config = tapConfig(collector.brokerUrl);
    await dcc.close();
    tap = await startTap(config);

    const answer = await post(`${tap.dccUrl}/api/v1/serviceD`, duisRequest(TRAFFIC[1]!.key, '2.2'));

    expect(answer.status).toBe(502);
    expect(answer.body.toString()).toMatch(/^HW_TAP_UPSTREAM: /);
    expect(tap.counters().dcc).toMatchObject({ upstreamFailures: 1, inFlight: 0 });
    // The Service Request was still seen leaving the User.
    expect(tap.counters().serviceRequests).toBe(1);
  });
});

describe('hopwatch tap over HTTPS', () => {
  let dir: ReturnType<typeof tempDir>;
  let tap: Tap | undefined;
  let dcc: Server | undefined;

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await tap?.close();
    tap = undefined;
    await new Promise<void>((resolve) => (dcc ? dcc.close(() => resolve()) : resolve()));
    dcc = undefined;
    dir.cleanup();
  });

  it('serves the User\'s certificate and presents its client certificate to a DCC that requires one', async () => {
    const pki = createTestPki(dir.path);
    const ca = readFileSync(pki.caFile);
    const client = pki.clientCert('dcc-user');
    const peers: string[] = [];
    dcc = createServer({ cert: readFileSync(pki.server.certFile), key: readFileSync(pki.server.keyFile), ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/xml' }).end(duisAcknowledgement(TRAFFIC[0]!.key)));
    });
    await new Promise<void>((resolve) => dcc!.listen(0, '127.0.0.1', resolve));
    const agent = testAgentConfig(dir.path, 'duis-tap', 'mqtt://127.0.0.1:1', { forward: { reconnectInitialMs: 10_000, reconnectMaxMs: 10_000 } });
    tap = await startTap({
      ...tapDefaults,
      dcc: { ...tapDefaults.dcc, port: 0, url: `https://127.0.0.1:${(dcc.address() as { port: number }).port}`, caFile: pki.caFile, ...client },
      tls: pki.server,
      agent,
    });

    const answer = await post(`${tap.dccUrl}/api/v1/serviceD`, duisRequest(TRAFFIC[0]!.key, '4.8.1'), {}, ca);

    expect(tap.dccUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(duisAcknowledgement(TRAFFIC[0]!.key));
    expect(peers).toEqual(['dcc-user']);
    expect(tap.counters()).toMatchObject({ serviceRequests: 1, acknowledgements: 1 });
  });

  it('refuses to start with a client certificate but no key, naming the flags', async () => {
    const pki = createTestPki(dir.path);
    const config = { ...tapDefaults, dcc: { ...tapDefaults.dcc, port: 0, url: 'https://127.0.0.1:1', certFile: pki.server.certFile }, agent: testAgentConfig(dir.path, 'duis-tap', 'mqtt://127.0.0.1:1') };

    await expect(startTap(config)).rejects.toThrow(/dcc\.certFile \(--dcc-cert\) is set but dcc\.keyFile \(--dcc-key\) is not/);
  });
});
