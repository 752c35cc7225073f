import { defineErrorCodes } from '../common/error-codes.js';

export const CollectorError = defineErrorCodes({
  HW_COLLECTOR_UNDECODABLE: 'The payload on a hops topic is not a hopwatch.v1.Batch. Check that the publisher encodes proto/hopwatch.proto.',
  HW_COLLECTOR_BAD_CHECKSUM: 'The batch does not end in its CRC-32C checksum field, or the checksum does not match its bytes: it was damaged in transit or run together with another. Nothing of it is read.',
  HW_COLLECTOR_BAD_VERSION: 'The batch has a wire version this collector does not accept. Upgrade the collector or the agent.',
  HW_COLLECTOR_AGENT_MISMATCH: 'The batch\'s agent_id differs from the <agentId> in its topic.',
  HW_COLLECTOR_MISSING_FIELD: 'A field the batch needs is absent (agent_id, stream_id, seq or hops).',
  HW_COLLECTOR_BAD_FIELD: 'A field holds a value outside its range (an index past its table, an unknown hop point, a malformed SRV or code, columns of different lengths).',
  HW_COLLECTOR_BAD_TIME: 'A hop time is absurd: before 2015 or further in the future than ingest.maxFutureSkewSeconds. The agent\'s clock is wrong.',
  HW_COLLECTOR_TOO_LARGE: 'The batch is larger than ingest.maxBatchBytes or holds more than ingest.maxHopsPerBatch hops.',
  HW_COLLECTOR_OVERLOADED: 'The ingest queue is full; the batch was not acknowledged and the agent will send it again.',
  HW_COLLECTOR_STORE_FAILED: 'Writing to the SQLite store failed (disk full, permissions). Batches are not acknowledged until it works again.',
  HW_COLLECTOR_CONFIG: 'The collector configuration is invalid; the message names the option, the bad value and where it came from.',
  HW_COLLECTOR_BROKER: 'The broker could not be started or reached.',
  HW_COLLECTOR_BAD_QUERY: 'An HTTP query parameter is invalid; the response says which and why.',
  HW_COLLECTOR_NOT_FOUND: 'The requested journey or resource does not exist.',
  HW_COLLECTOR_INTERNAL: 'An unexpected error while answering an HTTP request; the collector log has the details.',
  HW_COLLECTOR_CATALOGUE: 'The catalogue file is invalid or unreadable; the message lists every problem with its JSON path (hopwatch catalogue check <file>).',
  HW_COLLECTOR_REPORT: 'A hopwatch report command could not run: an unknown report or option, or a database file that is missing or has no metric tables.',
});

export type RejectReason =
  | 'HW_COLLECTOR_UNDECODABLE'
  | 'HW_COLLECTOR_BAD_CHECKSUM'
  | 'HW_COLLECTOR_BAD_VERSION'
  | 'HW_COLLECTOR_AGENT_MISMATCH'
  | 'HW_COLLECTOR_MISSING_FIELD'
  | 'HW_COLLECTOR_BAD_FIELD'
  | 'HW_COLLECTOR_BAD_TIME'
  | 'HW_COLLECTOR_TOO_LARGE';
