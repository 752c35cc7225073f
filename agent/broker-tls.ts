// The agent's TLS settings as mqtt.js connect options: the CA that signed the broker's
// certificate, and a client certificate (CN = agent id) for mutual TLS. Read once at start-up.
import { readMqttClientTls, type TlsMaterial } from '../common/tls-files.js';
import type { AgentConfig } from './config.js';
import { AgentError } from './errors.js';

const labels = {
  certFile: { option: 'broker.certFile', flag: 'broker-cert' },
  keyFile: { option: 'broker.keyFile', flag: 'broker-key' },
  caFile: { option: 'broker.caFile', flag: 'broker-ca' },
} as const;

/** {} when no file is named; an unreadable or mismatched file, or files with an mqtt:// url, is HW_AGENT_CONFIG. */
export function readBrokerTls(broker: AgentConfig['broker']): TlsMaterial {
  return readMqttClientTls(broker.url, 'broker.url (--broker)', broker, labels, AgentError.HW_AGENT_CONFIG.code);
}
