// The soak suite, in the order it runs.
import { agentDiskFull } from './agent-disk-full.js';
import { agentKill } from './agent-kill.js';
import { brokerAbuse } from './broker-abuse.js';
import { brokerOutage } from './broker-outage.js';
import { collectorDiskFull } from './collector-disk-full.js';
import { collectorKill } from './collector-kill.js';
import { fuzzedBatches } from './fuzzed-batches.js';
import type { Scenario } from './scenario.js';

export const soakScenarios: readonly Scenario[] = [collectorKill, agentKill, brokerOutage, agentDiskFull, collectorDiskFull, fuzzedBatches, brokerAbuse];
