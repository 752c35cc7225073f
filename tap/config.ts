// Tap configuration: defaults, strict schema, flags (see common/config.ts for precedence). The
// tap's own agent takes the agent's options under `agent` and the agent's flags.
import type { FlagSpec } from '../common/config.js';
import { loadConfig } from '../common/config.js';
import { agentDefaults, agentFlags, agentSchema, type AgentConfig } from '../agent/config.js';
import { TapError } from './errors.js';

/** One forwarding leg: where the tap listens and the URL it forwards to, with the TLS files to trust it. */
export interface TapLeg {
  readonly host: string;
  /** 0: any free port (the tap logs the one it got). */
  readonly port: number;
  /** http:// or https://; '' = this leg is off (the DCC leg is always on). */
  readonly url: string;
  /** CA to trust for an https:// url ('' = the system's CAs); certFile/keyFile: a client certificate for mutual TLS. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TapConfig {
  /** Users send Service Requests here; forwarded to the DCC User Interface. */
  readonly dcc: TapLeg;
  /** The DCC delivers Service Responses and alerts here; forwarded to the User's own endpoint. */
  readonly user: TapLeg;
  /** The certificate both listeners serve ('' = plain HTTP). */
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  /** Bytes of each message read for its DUIS header, at most; the rest only passes through. */
  readonly maxHeaderBytes: number;
  /** An upstream that has not answered within this long gets the exchange aborted (504). */
  readonly upstreamTimeoutMs: number;
  /** Connections kept to each upstream, at most. */
  readonly maxSockets: number;
  /**
   * Hops waiting between the proxy and its agent (in a worker thread), at most; past it a hop is
   * refused and counted (tap.unstamped['agent-behind']). 65,536 is half a minute at 1,000 exchanges/s.
   */
  readonly agentQueueHops: number;
  readonly agent: AgentConfig;
}

export const tapDefaults: TapConfig = {
  dcc: { host: '127.0.0.1', port: 7700, url: '', caFile: '', certFile: '', keyFile: '' },
  user: { host: '127.0.0.1', port: 7701, url: '', caFile: '', certFile: '', keyFile: '' },
  tls: { certFile: '', keyFile: '' },
  maxHeaderBytes: 16 * 1024,
  upstreamTimeoutMs: 60_000,
  maxSockets: 256,
  agentQueueHops: 65_536,
  // The tap's agent runs in its own worker thread; its HTTP port serves the status (tap counters included) and takes JSON hops.
  // It seals a batch every 20 ms, not 100: on a machine with no core to spare the worker's
  // bursts (encoding a batch, its commit) still take a core from the proxy, so they are kept short.
  agent: {
    ...agentDefaults, agentId: 'duis-tap', intake: { ...agentDefaults.intake, udpPort: 0, httpPort: 7692 },
    batch: { ...agentDefaults.batch, flushIntervalMs: 20 },
  },
};

const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => ({ type: 'integer', minimum, maximum });

const leg = {
  type: 'object', additionalProperties: false, required: ['host', 'port', 'url', 'caFile', 'certFile', 'keyFile'],
  properties: {
    host: { type: 'string', minLength: 1 }, port: int(0, 65535), url: { type: 'string', pattern: '^(https?://.+)?$' },
    caFile: { type: 'string' }, certFile: { type: 'string' }, keyFile: { type: 'string' },
  },
} as const;

export const tapSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['dcc', 'user', 'tls', 'maxHeaderBytes', 'upstreamTimeoutMs', 'maxSockets', 'agentQueueHops', 'agent'],
  properties: {
    dcc: { ...leg, properties: { ...leg.properties, url: { type: 'string', pattern: '^https?://.+' } } },
    user: leg,
    tls: {
      type: 'object', additionalProperties: false, required: ['certFile', 'keyFile'],
      properties: { certFile: { type: 'string' }, keyFile: { type: 'string' } },
    },
    maxHeaderBytes: int(256, 1024 * 1024),
    upstreamTimeoutMs: int(100),
    maxSockets: int(1, 65536),
    agentQueueHops: int(64, 16 * 1024 * 1024),
    agent: agentSchema,
  },
} as const;

const legFlags = (prefix: string, path: string, what: string): FlagSpec[] => [
  { flag: `${prefix}-listen-host`, path: `${path}.host`, type: 'string', description: `address the ${what} listener binds` },
  { flag: `${prefix}-listen-port`, path: `${path}.port`, type: 'integer', description: `port of the ${what} listener` },
  { flag: `${prefix}-url`, path: `${path}.url`, type: 'string', description: `where the ${what} listener forwards to (http:// or https://)` },
  { flag: `${prefix}-ca`, path: `${path}.caFile`, type: 'string', description: `PEM CA to trust for an https:// --${prefix}-url (empty: the system's CAs)` },
  { flag: `${prefix}-cert`, path: `${path}.certFile`, type: 'string', description: `PEM client certificate presented to --${prefix}-url (mutual TLS)` },
  { flag: `${prefix}-key`, path: `${path}.keyFile`, type: 'string', description: `PEM private key of --${prefix}-cert` },
];

export const tapFlags: readonly FlagSpec[] = [
  ...legFlags('dcc', 'dcc', 'Service Request (User to DCC)'),
  ...legFlags('user', 'user', 'delivery (DCC to the User\'s endpoint)'),
  { flag: 'tls-cert', path: 'tls.certFile', type: 'string', description: 'PEM certificate both listeners serve (HTTPS); the one the User\'s endpoint already uses' },
  { flag: 'tls-key', path: 'tls.keyFile', type: 'string', description: 'PEM private key of --tls-cert' },
  { flag: 'max-header-bytes', path: 'maxHeaderBytes', type: 'integer', description: 'bytes of a message read for its DUIS header, at most' },
  { flag: 'upstream-timeout-ms', path: 'upstreamTimeoutMs', type: 'integer', description: 'abort an exchange the upstream has not answered within this long (504)' },
  { flag: 'max-sockets', path: 'maxSockets', type: 'integer', description: 'connections kept to each upstream, at most' },
  { flag: 'agent-queue-hops', path: 'agentQueueHops', type: 'integer', description: 'hops waiting for the agent (its worker thread), at most; past it they are counted unstamped' },
  ...agentFlags.map((f) => ({ ...f, path: `agent.${f.path}` })),
];

export function loadTapConfig(file: string | undefined, flags: Record<string, string | boolean | undefined>): TapConfig {
  return loadConfig({ errorCode: TapError.HW_TAP_CONFIG.code, schema: tapSchema, defaults: tapDefaults, file, flags, specs: tapFlags });
}
