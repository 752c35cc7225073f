import { defineErrorCodes } from '../common/error-codes.js';

export const AgentError = defineErrorCodes({
  HW_AGENT_CONFIG: 'The agent configuration is invalid; the message names the option, the bad value and where it came from.',
  HW_AGENT_BAD_HOP: 'A hop sent to the UDP or HTTP intake is not valid JSON or misses a field; it is counted and skipped, the hops beside it are kept.',
  HW_AGENT_BUFFER_WRITE: 'Writing a batch to the SQLite buffer failed (disk full, permissions); the batch is dropped and counted.',
  HW_AGENT_BATCH_REJECTED: 'The collector rejected a batch as invalid; it is dropped and counted by reason. This points at a bug or a version mismatch.',
  HW_AGENT_ACK_IGNORED: 'An ack or a time answer failed the agent\'s check (another stream, a batch not in flight, a wrong MAC) and changed nothing; counted in forward.ignoredAcks or clock.badAnswers. Many point at someone publishing on the agent\'s topics.',
  HW_AGENT_ACK_UNSIGNED: 'The agent has a secret but the collector\'s acks or time answers arrive unsigned: the collector holds no credential for this agent (hopwatch agents add). Nothing is deleted until they are signed.',
  HW_AGENT_UNREACHABLE: 'The agent status endpoint did not answer (hopwatch agent status).',
});
