// Who may do what on the embedded broker: aedes' authenticate / authorizePublish /
// authorizeSubscribe / published hooks. Once agent credentials exist, a client is an agent:
// username = agent id, password = its secret, client id = hopwatch-agent-<agentId> (so no one
// can take over another agent's session: aedes replaces a session only after authenticate), and
// it may publish only on its own hops (every partition's, and version 1's), status, time/req and
// time/sample topics and subscribe only to its own ack and time/resp and to the retained
// hopwatch/v2/cluster, with no wildcards. Without credentials (the zero-setup
// loopback demo) anyone may connect, as with any open broker. Every refusal is counted and
// logged once per client; a refused PUBLISH closes the connection (MQTT 3.1.1 has no way to
// refuse one and keep it), a refused subscription gets a failure SUBACK (0x80).
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { Logger } from '../../common/logger.js';
import { AGENT_ID_PATTERN, hopsTopicOf, legacyTopics, topics } from '../../proto/topics.js';
import { VerificationBusyError } from '../auth/agent-authority.js';
import type { AgentAuthority } from '../auth/principal.js';
import { CollectorError } from '../errors.js';
import { verifiedPeerNames } from './listener.js';
import type { DeniedAction, DeniedReason, MqttDenials } from './mqtt-denials.js';

/** The MQTT client id an agent must connect with. */
export const agentClientId = (agentId: string) => `hopwatch-agent-${agentId}`;

export interface AgentAccessOptions {
  /** Undefined: no credential store (anyone may connect). */
  readonly authority: AgentAuthority | undefined;
  readonly denials: MqttDenials;
  readonly maxInFlightPerClient: number;
  /** The listener requires client certificates (mutual TLS): a verified certificate names its agent. */
  readonly mutualTls: boolean;
  readonly logger: Logger;
}

interface ClientState {
  /** The agent the client authenticated as; undefined for an anonymous client (open broker). */
  agentId?: string;
  inFlight: number;
  logged: boolean;
}

export interface AgentAccess {
  readonly authenticate: (client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void) => void;
  readonly authorizePublish: (client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void) => void;
  readonly authorizeSubscribe: (client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void) => void;
  readonly published: (packet: { qos: number }, client: Client | null, done: (err?: Error | null) => void) => void;
  /** The agent a connected client authenticated as. */
  agentOf(client: Client): string | undefined;
  /** Counts and logs (once per client) a refusal made elsewhere (connection guard, revocation). */
  deny(client: Client | undefined, action: DeniedAction, reason: DeniedReason, detail?: Record<string, unknown>): void;
}

// MQTT 3.1.1 CONNACK return codes: identifier rejected, server unavailable, bad user name or password, not authorized.
const RETURN_CODE = { 'client-id': 2, busy: 3, 'rate-limited': 3, 'bad-credentials': 4, anonymous: 5 } as const;

/** Failed logins one address may have in a minute before it is refused without a check. */
const MAX_FAILURES_PER_ADDRESS = 20;
/** Addresses whose failures are remembered at most (the oldest goes first). */
const MAX_TRACKED_ADDRESSES = 10_000;

export function createAgentAccess(options: AgentAccessOptions): AgentAccess {
  const log = options.logger.child({ component: 'broker-access' });
  const states = new WeakMap<Client, ClientState>();
  const stateOf = (client: Client) => {
    let s = states.get(client);
    if (!s) states.set(client, (s = { inFlight: 0, logged: false }));
    return s;
  };
  // Failed logins by remote address, per minute: a flood from one address is refused before it
  // costs a secret check.
  const failures = new Map<string, { windowStart: number; count: number }>();
  const addressOf = (client: Client) => (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress ?? 'unknown';
  const limited = (address: string) => {
    const f = failures.get(address);
    return f !== undefined && Date.now() - f.windowStart < 60_000 && f.count >= MAX_FAILURES_PER_ADDRESS;
  };
  const failed = (address: string) => {
    const now = Date.now();
    const f = failures.get(address);
    if (f && now - f.windowStart < 60_000) return void f.count++;
    failures.delete(address);
    failures.set(address, { windowStart: now, count: 1 });
    if (failures.size > MAX_TRACKED_ADDRESSES) failures.delete(failures.keys().next().value!);
  };
  // Under mutual TLS every client is an agent named by its certificate, credentials or not.
  const authOn = () => options.mutualTls || options.authority?.enabled() === true;
  const unattributedLoggedAt = new Map<DeniedReason, number>();

  const deny: AgentAccess['deny'] = (client, action, reason, detail = {}) => {
    options.denials.count(action, reason);
    const s = client && stateOf(client);
    if (s?.logged) return;
    if (s) s.logged = true;
    // Refusals before any client exists (connections dropped at the limit), and refused logins
    // (each a new connection, so a flood of them would be a flood of lines): once a minute per reason.
    if (!client || action === 'connect') {
      const now = Date.now();
      if (now - (unattributedLoggedAt.get(reason) ?? -Infinity) < 60_000) return;
      unattributedLoggedAt.set(reason, now);
    }
    log.warn({ code: CollectorError.HW_COLLECTOR_MQTT_DENIED.code, action, reason, clientId: client?.id?.slice(0, 128), agent: s?.agentId, remote: client?.conn && (client.conn as { remoteAddress?: string }).remoteAddress, ...detail }, 'MQTT client refused');
  };

  const refuseConnect = (client: Client, reason: keyof typeof RETURN_CODE, username: string | undefined, done: (err: AuthenticateError, ok: null) => void) => {
    deny(client, 'connect', reason, { username: username?.slice(0, 128) });
    done(Object.assign(new Error(`not authorized: ${reason}`), { returnCode: RETURN_CODE[reason] }) as AuthenticateError, null);
  };

  return {
    authenticate(client, username, password, done) {
      if (options.mutualTls) {
        // The CA vouched for the certificate; its subject CN (first of its names) is the agent,
        // which the username, if given, must repeat; the client id must be that agent's; and an
        // agent whose credential was revoked is refused, certificate or not.
        const agentId = verifiedPeerNames(client.conn)[0];
        if (agentId === undefined || !AGENT_ID_PATTERN.test(agentId) || (username && username !== agentId)) return refuseConnect(client, 'bad-credentials', username, done);
        if (client.id !== agentClientId(agentId)) return refuseConnect(client, 'client-id', agentId, done);
        if (options.authority?.isRevoked(agentId)) return refuseConnect(client, 'bad-credentials', agentId, done);
        stateOf(client).agentId = agentId;
        return done(null, true);
      }
      const authority = options.authority;
      if (!authority || !authority.enabled()) return done(null, true);
      if (username === undefined || username === '') return refuseConnect(client, 'anonymous', username, done);
      if (!AGENT_ID_PATTERN.test(username) || password === undefined) return refuseConnect(client, 'bad-credentials', username, done);
      if (client.id !== agentClientId(username)) return refuseConnect(client, 'client-id', username, done);
      const address = addressOf(client);
      if (limited(address)) return refuseConnect(client, 'rate-limited', username, done);
      authority.verify(username, password.toString('utf8')).then(
        (ok) => {
          if (!ok) {
            failed(address);
            return refuseConnect(client, 'bad-credentials', username, done);
          }
          stateOf(client).agentId = username;
          done(null, true);
        },
        (err: unknown) => {
          if (err instanceof VerificationBusyError) return refuseConnect(client, 'busy', username, done);
          log.error({ err: (err as Error).message, agent: username }, 'checking an agent secret failed');
          refuseConnect(client, 'bad-credentials', username, done);
        },
      );
    },

    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$SYS')) {
        if (client) deny(client, 'publish', 'topic', { topic: packet.topic.slice(0, 200) });
        return done(new Error('$SYS topics are reserved'));
      }
      if (!client) return done(null);
      const s = stateOf(client);
      if (authOn()) {
        const agent = s.agentId;
        const own = agent !== undefined && (hopsTopicOf(packet.topic)?.agentId === agent ||
          [legacyTopics.hops(agent), topics.status(agent), topics.timeRequest(agent), topics.timeSample(agent)].includes(packet.topic));
        if (!own) {
          deny(client, 'publish', 'topic', { topic: packet.topic.slice(0, 200) });
          return done(new Error('topic not allowed'));
        }
        if (packet.retain && packet.topic !== topics.status(agent)) {
          deny(client, 'publish', 'retain', { topic: packet.topic.slice(0, 200) });
          return done(new Error('retain not allowed'));
        }
      }
      // Agents keep forward.maxInFlight (32) batches unacknowledged. The open broker leaves
      // pipelining clients (the benchmarks' publishers) alone, as before credentials existed. A
      // closing client's will is its last word, not more load: it is not counted in flight.
      if (authOn() && packet.qos === 1 && !client.closed) {
        if (s.inFlight >= options.maxInFlightPerClient) {
          deny(client, 'publish', 'in-flight', { maxInFlightPerClient: options.maxInFlightPerClient });
          return done(new Error('too many messages in flight'));
        }
        s.inFlight++;
      }
      done(null);
    },

    published(packet, client, done) {
      if (client && packet.qos === 1) {
        const s = states.get(client);
        if (s && s.inFlight > 0) s.inFlight--;
      }
      done(null);
    },

    authorizeSubscribe(client, sub, done) {
      if (!authOn()) return done(null, sub);
      const agent = stateOf(client).agentId;
      if (agent !== undefined && (sub.topic === topics.ack(agent) || sub.topic === topics.timeResponse(agent) || sub.topic === topics.cluster)) return done(null, sub);
      deny(client, 'subscribe', 'topic', { topic: sub.topic.slice(0, 200) });
      done(null, null);
    },

    agentOf: (client) => states.get(client)?.agentId,
    deny,
  };
}
