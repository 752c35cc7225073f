// TLS on the collector's broker and HTTP API, with real sockets on loopback and a throwaway
// PKI: what a trusted client gets, and every way an untrusted one is refused.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyKey } from '../../agent/journey-key.js';
import { createBrokerListener, verifiedPeerNames } from '../../collector/broker/listener.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { issueAgentCredential } from '../../collector/auth/issue-credential.js';
import { withCredentialStore } from '../helpers/agent-credentials.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTestPki, type TestPki } from '../helpers/tls.js';

/** 'connected', or why the connection failed; bounded by mqtt.js's connectTimeout. */
function mqttOutcome(url: string, options: mqtt.IClientOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, clientId: `probe-${Math.random().toString(16).slice(2)}`, ...options });
    const finish = (outcome: string) => {
      client.end(true);
      resolve(outcome);
    };
    client.once('connect', () => finish('connected'));
    client.once('error', (err) => finish(`error: ${err.message}`));
    client.once('close', () => finish('closed'));
  });
}

/** The status code, or the error message when the request fails (5 s bound). */
function getOutcome(url: string, ca?: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const onResponse = (res: { statusCode?: number; resume(): void }) => { res.resume(); resolve(String(res.statusCode)); };
    const req = url.startsWith('https:') ? httpsGet(url, { ca, timeout: 5000 }, onResponse) : httpGet(url, { timeout: 5000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve(`error: ${err.message}`));
  });
}

const portOf = (url: string) => new URL(url).port;

describe('TLS on the broker and the HTTP API', () => {
  let dir: ReturnType<typeof tempDir>;
  let pki: TestPki;

  beforeAll(() => {
    dir = tempDir();
    pki = createTestPki(dir.path);
  });
  afterAll(() => dir.cleanup());

  describe('a collector whose broker serves TLS', () => {
    let collector: Collector;
    beforeAll(async () => {
      collector = await startTestCollector(join(dir.path, 'tls'), { broker: { tls: { ...pki.server, caFile: '' } } });
    });
    afterAll(() => collector.close());

    it('stores the journey an agent trusting its CA delivers over mqtts', async () => {
      expect(collector.brokerUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      const agent = startTestAgent(dir.path, 'gw-tls', collector.brokerUrl, { broker: { caFile: pki.caFile } });
      try {
        const key = journeyKey(keyText(9001));
        const t = Date.now() * 1000;
        agent.record(key, HopPoint.UG_IN, t, { srv: '1.1.1' });
        agent.record(key, HopPoint.UG_OUT, t + 1_500_000, { code: 'I0' });
        await agent.drained(15_000);
        const records = await waitFor(() => {
          const r = collector.store.listJourneys({ limit: 10 });
          return r.length === 1 && r;
        }, 10_000, 'the journey in the store');
        expect(records[0]).toMatchObject({ srv: '1.1.1', figures: { rttUs: 1_500_000 } });
      } finally {
        await agent.close();
      }
    });

    it('refuses a plain mqtt:// client on the TLS port', async () => {
      expect(await mqttOutcome(`mqtt://127.0.0.1:${portOf(collector.brokerUrl)}`)).not.toBe('connected');
    });

    it('refuses a client that trusts another CA', async () => {
      const outcome = await mqttOutcome(collector.brokerUrl, { ca: readFileSync(pki.otherCaFile) });
      expect(outcome).toMatch(/^error: .*(certificate|self.signed)/i);
    });
  });

  describe('a collector whose broker requires client certificates (mutual TLS)', () => {
    let collector: Collector;
    let ca: Buffer;
    beforeAll(async () => {
      ca = readFileSync(pki.caFile);
      collector = await startTestCollector(join(dir.path, 'mtls'), { broker: { tls: { ...pki.server, caFile: pki.caFile } } });
    });
    afterAll(() => collector.close());

    it('refuses a client without a certificate', async () => {
      expect(await mqttOutcome(collector.brokerUrl, { ca })).not.toBe('connected');
    });

    it('refuses a client whose certificate another CA signed', async () => {
      const other = pki.clientCert('gw-rogue', true);
      expect(await mqttOutcome(collector.brokerUrl, { ca, cert: readFileSync(other.certFile), key: readFileSync(other.keyFile) })).not.toBe('connected');
    });

    it('takes the certificate\'s name as the agent: it may neither claim another agent nor read its acks', async () => {
      const a = pki.clientCert('gw-cert-a');
      const tls = { ca, cert: readFileSync(a.certFile), key: readFileSync(a.keyFile) };
      expect(await mqttOutcome(collector.brokerUrl, { ...tls, clientId: 'hopwatch-agent-gw-cert-b', username: 'gw-cert-b' })).not.toBe('connected');
      expect(await mqttOutcome(collector.brokerUrl, { ...tls, clientId: 'hopwatch-agent-gw-cert-b' })).not.toBe('connected');
      const client = await mqtt.connectAsync(collector.brokerUrl, { ...tls, clientId: 'hopwatch-agent-gw-cert-a', reconnectPeriod: 0, connectTimeout: 3000 });
      try {
        await expect(client.subscribeAsync('hopwatch/v2/gw-cert-b/ack', { qos: 1 })).rejects.toThrow(/Subscribe error/);
        expect((await client.subscribeAsync('hopwatch/v2/gw-cert-a/ack', { qos: 1 })).map((g) => g.qos)).toEqual([1]);
      } finally {
        await client.endAsync(true);
      }
    });

    it('refuses a certificate whose agent\'s credential was revoked', async () => {
      const revoked = pki.clientCert('gw-cert-revoked');
      const tls = { ca, cert: readFileSync(revoked.certFile), key: readFileSync(revoked.keyFile), clientId: 'hopwatch-agent-gw-cert-revoked' };
      expect(await mqttOutcome(collector.brokerUrl, tls)).toBe('connected');
      await withCredentialStore(join(dir.path, 'mtls'), async (store) => {
        store.add((await issueAgentCredential('gw-cert-revoked', Date.now())).credential);
        store.revoke('gw-cert-revoked', Date.now());
      });
      await waitFor(() => collector.agentAuthority.isRevoked('gw-cert-revoked'), 5000, 'the revocation read');
      expect(await mqttOutcome(collector.brokerUrl, tls)).not.toBe('connected');
    });

    it('stores the journey of an agent presenting a certificate the CA signed', async () => {
      const agent = startTestAgent(dir.path, 'gw-mtls', collector.brokerUrl, { broker: { caFile: pki.caFile, ...pki.clientCert('gw-mtls') } });
      try {
        const key = journeyKey(keyText(9002));
        const t = Date.now() * 1000;
        agent.record(key, HopPoint.UG_IN, t, { srv: '1.1.1' });
        agent.record(key, HopPoint.UG_OUT, t + 2_000_000, { code: 'I0' });
        await agent.drained(15_000);
        await waitFor(() => collector.store.listJourneys({ limit: 10 }).length === 1, 10_000, 'the journey in the store');
      } finally {
        await agent.close();
      }
    });
  });

  describe('the verified peer identity', () => {
    it('is the client certificate\'s CN and SAN URI once the CA verified it', async () => {
      const names = new Promise<readonly string[]>((resolve) => {
        const listener = createBrokerListener({ ...pki.server, caFile: pki.caFile }, (socket) => {
          resolve(verifiedPeerNames(socket));
          socket.destroy();
          listener.server.close();
        });
        listener.server.listen(0, '127.0.0.1', () => {
          const port = (listener.server.address() as { port: number }).port;
          const client = pki.clientCert('gw-identity');
          const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(pki.caFile), cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) });
          socket.on('error', () => undefined);
        });
      });
      expect(await names).toEqual(['gw-identity', 'hopwatch:agent:gw-identity']);
    });

    it('is empty for a plain TCP connection and for a TLS client without a certificate', async () => {
      const namesOf = (tls: Parameters<typeof createBrokerListener>[0], connect: (port: number) => { on(e: 'error', f: () => void): unknown }) =>
        new Promise<readonly string[]>((resolve) => {
          const listener = createBrokerListener(tls, (socket) => {
            resolve(verifiedPeerNames(socket));
            socket.destroy();
            listener.server.close();
          });
          listener.server.listen(0, '127.0.0.1', () => connect((listener.server.address() as { port: number }).port).on('error', () => undefined));
        });
      expect(await namesOf(undefined, (port) => netConnect(port, '127.0.0.1'))).toEqual([]);
      expect(await namesOf({ ...pki.server, caFile: '' }, (port) => tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(pki.caFile) }))).toEqual([]);
    });
  });

  describe('the HTTP API over HTTPS', () => {
    let collector: Collector;
    beforeAll(async () => {
      collector = await startTestCollector(join(dir.path, 'https'), { http: { tls: { ...pki.server, caFile: '' } } });
    });
    afterAll(() => collector.close());

    it('answers a client that trusts its CA', async () => {
      expect(collector.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await getOutcome(`${collector.httpUrl}/api/v1/agents`, readFileSync(pki.caFile))).toBe('200');
    });

    it('does not answer plain HTTP on its port', async () => {
      expect(await getOutcome(`http://127.0.0.1:${portOf(collector.httpUrl)}/api/v1/agents`)).toMatch(/^error: /);
    });

    it('is refused by a client that trusts another CA', async () => {
      expect(await getOutcome(`${collector.httpUrl}/api/v1/agents`, readFileSync(pki.otherCaFile))).toMatch(/^error: .*(certificate|self.signed)/i);
    });
  });

  describe('the HTTP API requiring client certificates', () => {
    let collector: Collector;
    beforeAll(async () => {
      collector = await startTestCollector(join(dir.path, 'https-mtls'), { http: { tls: { ...pki.server, caFile: pki.caFile } } });
    });
    afterAll(() => collector.close());

    it('answers a client with a certificate the CA signed and refuses one without', async () => {
      const client = pki.clientCert('dashboard');
      const url = `${collector.httpUrl}/healthz`;
      const good = await new Promise<number | undefined>((resolve, reject) => {
        httpsGet(url, { ca: readFileSync(pki.caFile), cert: readFileSync(client.certFile), key: readFileSync(client.keyFile), timeout: 5000 }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject);
      });
      expect(good).toBe(200);
      expect(await getOutcome(url, readFileSync(pki.caFile))).toMatch(/^error: /);
    });
  });

  describe('bad TLS files', () => {
    it('stop the collector with HW_COLLECTOR_CONFIG naming the file and its flag', async () => {
      const missing = join(dir.path, 'no-such-key.pem');
      const start = startTestCollector(join(dir.path, 'bad-http'), { http: { tls: { certFile: pki.server.certFile, keyFile: missing, caFile: '' } } });
      await expect(start).rejects.toMatchObject({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining(`--http-tls-key) ${JSON.stringify(missing)}`) });
    });

    it('stop the embedded broker\'s listener with HW_COLLECTOR_CONFIG naming the file and its flag', () => {
      const missing = join(dir.path, 'no-such-cert.pem');
      expect(() => createBrokerListener({ certFile: missing, keyFile: pki.server.keyFile, caFile: '' }, () => undefined))
        .toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining(`broker.tls.certFile (--broker-tls-cert) ${JSON.stringify(missing)}`) }));
    });

    it('refuse a key that does not belong to the certificate', () => {
      const other = pki.clientCert('gw-mismatch');
      expect(() => createBrokerListener({ certFile: pki.server.certFile, keyFile: other.keyFile, caFile: '' }, () => undefined))
        .toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining('does not match') }));
    });

    it('stop the agent with HW_AGENT_CONFIG naming the file and its flag', () => {
      const missing = join(dir.path, 'no-such-ca.pem');
      expect(() => startTestAgent(dir.path, 'gw-bad-ca', 'mqtts://127.0.0.1:1', { broker: { caFile: missing } }))
        .toThrow(expect.objectContaining({ code: 'HW_AGENT_CONFIG', message: expect.stringContaining(`broker.caFile (--broker-ca) ${JSON.stringify(missing)}`) }));
    });

    it('with an mqtt:// url are refused rather than ignored', () => {
      expect(() => startTestAgent(dir.path, 'gw-plain-url', 'mqtt://127.0.0.1:1', { broker: { caFile: pki.caFile } }))
        .toThrow(expect.objectContaining({ code: 'HW_AGENT_CONFIG', message: expect.stringContaining('is not mqtts://') }));
    });
  });
});
