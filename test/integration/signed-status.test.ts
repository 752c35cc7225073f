// An agent with a secret signs its status (and its last will) with the key the collector holds
// for it; on a broker with no ACL, a status published by anyone else under the agent's name is
// ignored and counted, so nobody can mark the agent offline or fake its buffer's figures.
import mqtt from 'mqtt';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { topics } from '../../proto/topics.js';
import { seedAgentSecret } from '../helpers/agent-credentials.js';
import { useMosquitto } from '../helpers/mosquitto-suite.js';
import { startTestAgent, testCollectorConfig } from '../helpers/system.js';

const SECRET = 'agent secret from hopwatch agents add';
const AGENT_ID = 'gw-status';

describe('signed agent status, on a broker with no ACL', () => {
  const suite = useMosquitto();
  let collector: Collector | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.close();
    await collector?.close();
  });

  it('keeps the agent\'s signed status and ignores and counts one published by anyone else', async () => {
    const cdir = join(suite.dir, 'collector');
    await seedAgentSecret(cdir, AGENT_ID, SECRET);
    collector = await startCollector(testCollectorConfig(cdir, { broker: { url: suite.mosquitto.url, clientId: 'collector-signed-status' } }));
    agent = startTestAgent(suite.dir, AGENT_ID, suite.mosquitto.url, { broker: { password: SECRET }, clock: { probeIntervalMs: 0 } });
    const status = () => collector!.ingest.agentStatuses().get(AGENT_ID);
    await waitFor(() => status()?.state === 'online', 10_000, 'the agent\'s status');
    expect(status()).not.toHaveProperty('mac');

    const attacker = await mqtt.connectAsync(suite.mosquitto.url, { clientId: 'attacker', reconnectPeriod: 0 });
    await attacker.publishAsync(topics.status(AGENT_ID), JSON.stringify({ agentId: AGENT_ID, state: 'offline' }), { qos: 1, retain: true });
    await attacker.publishAsync(topics.status(AGENT_ID), JSON.stringify({ agentId: AGENT_ID, state: 'offline', mac: '00'.repeat(16) }), { qos: 1, retain: true });
    await waitFor(() => collector!.ingest.counters.statusesUnsigned === 2, 10_000, 'both forged statuses counted');
    await attacker.endAsync();

    expect(status()?.state).toBe('online');
    await agent.close();
    agent = undefined;
    await waitFor(() => status()?.state === 'offline', 10_000, 'the agent\'s own signed offline status');
    expect(collector.ingest.counters.statusesUnsigned).toBe(2);
  });
});
