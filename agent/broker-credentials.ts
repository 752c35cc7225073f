// The agent's secret (from `hopwatch agents add`): its MQTT password, and the root of the key
// that acks and time answers from the collector are checked with (common/ack-signature.ts).
import { readFileSync } from 'node:fs';
import { deriveAckKey } from '../common/ack-signature.js';
import { HopwatchError } from '../common/error-codes.js';
import type { AgentConfig } from './config.js';
import { AgentError } from './errors.js';

export interface BrokerCredentials {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** undefined without a secret: acks and time answers are then not checked for a MAC. */
  readonly ackKey: Uint8Array | undefined;
}

/** Read once at start-up; a password file that cannot be read stops the agent with HW_AGENT_CONFIG. */
export function brokerCredentials(config: Pick<AgentConfig, 'agentId' | 'broker'>): BrokerCredentials {
  const secret = readSecret(config.broker);
  if (secret === undefined) return { username: config.broker.username, password: undefined, ackKey: undefined };
  return { username: config.broker.username ?? config.agentId, password: secret, ackKey: deriveAckKey(secret) };
}

function readSecret(broker: AgentConfig['broker']): string | undefined {
  const { password, passwordFile } = broker;
  if (password !== undefined && password !== '' && passwordFile !== '') {
    throw new HopwatchError(AgentError.HW_AGENT_CONFIG.code, `broker.password and broker.passwordFile (${passwordFile}) are both set; give one`);
  }
  if (passwordFile === '') return password === '' ? undefined : password;
  let text: string;
  try {
    text = readFileSync(passwordFile, 'utf8').trim();
  } catch (err) {
    throw new HopwatchError(AgentError.HW_AGENT_CONFIG.code, `cannot read broker.passwordFile ${passwordFile}: ${(err as Error).message}`);
  }
  if (text === '') throw new HopwatchError(AgentError.HW_AGENT_CONFIG.code, `broker.passwordFile ${passwordFile} is empty`);
  return text;
}
