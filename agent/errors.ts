import { defineErrorCodes } from '../common/error-codes.js';

export const AgentError = defineErrorCodes({
  HW_AGENT_CONFIG: 'The agent configuration is invalid; the message names the option, the bad value and where it came from.',
  HW_AGENT_BAD_HOP: 'A hop sent to the UDP or HTTP intake is not valid JSON or misses a field; it is counted and skipped, the hops beside it are kept.',
  HW_AGENT_BUFFER_WRITE: 'Writing hops to the SQLite buffer failed (disk full, permissions); they are dropped and counted (writeFailedHops), and the HTTP intake answers 503 so the rig can send them again. Stamping goes on.',
  HW_AGENT_BUFFER_DELETE: 'Deleting acknowledged batches from the SQLite buffer failed (disk full); they are kept, not sent again, and the delete is retried until it works (buffer.pendingRemovals).',
  HW_AGENT_BUFFER_CORRUPT: 'A batch in the SQLite buffer does not match its checksum (the file was damaged); it is dropped and counted (buffer.corruptBatches, buffer.corruptHops) instead of being rejected by the collector and sent again forever.',
  HW_AGENT_BUFFER_READ: 'Reading batches from the SQLite buffer to send them failed (I/O error); sending is retried on the next ack, write or reconnect.',
  HW_AGENT_BATCH_REJECTED: 'The collector rejected a batch as invalid; it is dropped and counted by reason. This points at a bug or a version mismatch.',
  HW_AGENT_ACK_IGNORED: 'An ack or a time answer failed the agent\'s check (another stream, a batch not in flight, a wrong MAC) and changed nothing; counted in forward.ignoredAcks or clock.badAnswers. Many point at someone publishing on the agent\'s topics.',
  HW_AGENT_ACK_UNSIGNED: 'The agent has a secret but the collector\'s acks or time answers arrive unsigned: the collector holds no credential for this agent (hopwatch agents add). Nothing is deleted until they are signed.',
  HW_AGENT_INTAKE_UNAUTHORIZED: 'POST /hops came without the bearer token the intake requires (intake.token); nothing of it was taken. Counted in intake.unauthorized.',
  HW_AGENT_UNREACHABLE: 'The agent status endpoint did not answer (hopwatch agent status).',
});
