// Secure by default: what the collector may listen on. Beyond loopback, the embedded broker
// needs agent credentials (or mutual TLS) and the HTTP API needs API tokens; otherwise anyone
// on the network could read every agent's hops and forge data. --insecure overrides, loudly.
import { isIPv4, isIPv6 } from 'node:net';

export interface ExposureInput {
  /** The embedded broker's listen address; undefined with an external broker (its own access control applies). */
  readonly brokerHost: string | undefined;
  readonly agentCredentials: boolean;
  /** broker.tls.caFile set: only clients with a certificate the CA signed get in. */
  readonly brokerMutualTls: boolean;
  readonly httpHost: string;
  readonly apiTokens: boolean;
  readonly insecure: boolean;
}

export type ExposureDecision =
  | { readonly allowed: true; readonly warnings: readonly string[] }
  | { readonly allowed: false; readonly problems: readonly string[] };

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) {
    if (h === '::1' || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

export function decideExposure(input: ExposureInput): ExposureDecision {
  const problems: string[] = [];
  if (input.brokerHost !== undefined && !isLoopbackHost(input.brokerHost) && !input.agentCredentials && !input.brokerMutualTls) {
    problems.push(`the embedded broker would listen on ${input.brokerHost} with no agent credentials: anyone who can reach it could read every agent's hops and publish as any agent. ` +
      'Add agents first (hopwatch agents add <agentId> --store <the collector\'s database>) or require client certificates (--broker-tls-ca)');
  }
  if (!isLoopbackHost(input.httpHost) && !input.apiTokens) {
    problems.push(`the HTTP API would listen on ${input.httpHost} with no API tokens: anyone who can reach it could read every journey. ` +
      'Create a token first (hopwatch tokens create)');
  }
  if (problems.length === 0) return { allowed: true, warnings: input.insecure ? ['--insecure is set: nothing is exposed now, but a listen address beyond loopback would be accepted without agent credentials or API tokens'] : [] };
  if (input.insecure) return { allowed: true, warnings: problems.map((p) => `--insecure: ${p}`) };
  return { allowed: false, problems: problems.map((p) => `${p}, or pass --insecure to accept the risk`) };
}
