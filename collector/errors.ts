import { defineErrorCodes } from '../common/error-codes.js';

export const CollectorError = defineErrorCodes({
  HW_COLLECTOR_UNDECODABLE: 'The payload on a hops topic is not a hopwatch.v1.Batch. Check that the publisher encodes proto/hopwatch.proto.',
  HW_COLLECTOR_BAD_CHECKSUM: 'The batch does not end in its CRC-32C checksum field, or the checksum does not match its bytes: it was damaged in transit or run together with another. Nothing of it is read.',
  HW_COLLECTOR_BAD_MAC: 'A batch under the name of an agent the collector holds a credential for carries no valid mac: someone other than the agent published it. It is dropped unanswered and counted.',
  HW_COLLECTOR_AGENT_REVOKED: 'A batch under the name of an agent whose credential was revoked (hopwatch agents revoke): it is dropped unanswered and counted, whichever broker let it through.',
  HW_COLLECTOR_BAD_VERSION: 'The batch has a wire version this collector does not accept. Upgrade the collector or the agent.',
  HW_COLLECTOR_AGENT_MISMATCH: 'The batch\'s agent_id differs from the <agentId> in its topic.',
  HW_COLLECTOR_MISSING_FIELD: 'A field the batch needs is absent (agent_id, stream_id, seq or hops).',
  HW_COLLECTOR_BAD_FIELD: 'A field holds a value outside its range (an index past its table, an unknown hop point, a malformed SRV or code, columns of different lengths).',
  HW_COLLECTOR_BAD_TIME: 'A hop time is absurd: before 2015 or further in the future than ingest.maxFutureSkewSeconds. The agent\'s clock is wrong.',
  HW_COLLECTOR_TOO_LARGE: 'The batch is larger than ingest.maxBatchBytes or holds more than ingest.maxHopsPerBatch hops.',
  HW_COLLECTOR_OVERLOADED: 'The ingest queue is full; the batch was not acknowledged and the agent will send it again.',
  HW_COLLECTOR_STORE_FAILED: 'Writing to the store failed (SQLite: disk full, permissions; PostgreSQL: connection lost, server down or not answering). Batches are not acknowledged until it works again.',
  HW_COLLECTOR_LEASE_LOST: 'A commit was refused because this collector no longer owns a partition it writes: another collector took the lease over (this one was paused, or cut off from PostgreSQL, longer than the lease). Nothing of the commit is written; its batches are not acknowledged, and the new owner takes them when the agents send them again. hopwatch_partition_leases_lost_total counts them.',
  HW_COLLECTOR_STORE_OPEN: 'The store could not be opened: a PostgreSQL server that cannot be reached or refuses the login (the message names the URL without its password), a --store value that is neither a file path nor a postgres:// URL, or a backend this build cannot keep the metric engine\'s tables in.',
  HW_COLLECTOR_CONFIG: 'The collector configuration is invalid; the message names the option, the bad value and where it came from.',
  HW_COLLECTOR_BROKER: 'The broker could not be started or reached.',
  HW_COLLECTOR_HTTP_LISTEN: 'The HTTP API cannot listen on its address: the port is in use (or needs privileges). Choose another with --http-port N (npm start -- --http-port N).',
  HW_COLLECTOR_BAD_QUERY: 'An HTTP query parameter is invalid; the response says which and why.',
  HW_COLLECTOR_NOT_FOUND: 'The requested journey or resource does not exist.',
  HW_COLLECTOR_INTERNAL: 'An unexpected error while answering an HTTP request; the collector log has the details.',
  HW_COLLECTOR_CATALOGUE: 'The catalogue file is invalid or unreadable; the message lists every problem with its JSON path (hopwatch catalogue check <file>).',
  HW_COLLECTOR_MQTT_DENIED: 'The embedded broker refused an MQTT client: no or wrong agent credentials, a client id other than hopwatch-agent-<agentId>, a topic outside the agent\'s own, or a bound (connections, packet size, CONNECT time-out, messages in flight). The log line names the client and the reason; hopwatch_mqtt_denied_total counts them.',
  HW_COLLECTOR_AGENT_CREDENTIAL: 'A hopwatch agents command could not run: an agent id that does not match [A-Za-z0-9_.-]{1,64}, an agent that already has a credential (use --rotate to replace it) or none to revoke, a --store file that does not exist (list, revoke), or an unknown subcommand.',
  HW_COLLECTOR_REPORT: 'A hopwatch report command could not run: an unknown report or option, or a database file that is missing or has no metric tables (or a PostgreSQL database without them).',
  HW_COLLECTOR_UNAUTHENTICATED: 'API tokens exist and the request carried none, or one that is unknown or revoked: send Authorization: Bearer <token> (hopwatch tokens create).',
  HW_COLLECTOR_FORBIDDEN: 'The API token is valid but its scope does not cover this route or parameter (a viewer writing, a metrics token outside /metrics, a party token asking for another party or for data that is not its own).',
  HW_COLLECTOR_AUTH_RATE_LIMITED: 'Too many failed authentications from this client address (http.authFailuresPerMinute); wait for the Retry-After seconds.',
  HW_COLLECTOR_ALERT_WEBHOOK: 'The alerting webhook (alerting.webhook.url) did not take a batch of alert notifications after alerting.webhook.maxAttempts tries, or refused it (a 4xx other than 429). They are dropped and counted (hopwatch_alert_notifications_failed_total); ingest and rule evaluation go on.',
  HW_COLLECTOR_ALERT_RULE: 'An alerting rule could not be evaluated (its query failed); its series keep their state and hopwatch_alert_evaluation_failures_total counts it. The log line names the rule and the error.',
  HW_COLLECTOR_ALERT_HISTORY: 'Alert states and history could not be saved to the store; they stay queued in memory for the next evaluation and hopwatch_alert_history_save_failures_total counts it.',
  HW_COLLECTOR_OTLP_EXPORT: 'Journeys could not be exported to the OTLP endpoint (export.otlp.endpoint): it refused them (an HTTP status other than 429, 502, 503 or 504: check the URL path, usually /v1/traces, and any required header) or did not answer after every retry. They are counted in hopwatch_otlp_failed_journeys_total; the journeys stay stored.',
  HW_COLLECTOR_PARTITION_COUNT: 'The store records another partition count than ingest.partitions (--partitions): a deployment keeps the count it started with, because agents route and collectors own journeys by it. Start the collector with the recorded count (the message names it), or use a new store.',
  HW_COLLECTOR_WRONG_PARTITION: 'A batch on the topic of one partition holds a key of another (or names another partition): the agent splits with a different partition count than the collector\'s. The batch is rejected and counted.',
  HW_COLLECTOR_TOKENS: 'A hopwatch tokens command could not run: an unknown subcommand, scope or option, a party token without a valid EUI-64 or a known User Role, or an unknown token id.',
});

export type RejectReason =
  | 'HW_COLLECTOR_UNDECODABLE'
  | 'HW_COLLECTOR_BAD_CHECKSUM'
  | 'HW_COLLECTOR_BAD_MAC'
  | 'HW_COLLECTOR_AGENT_REVOKED'
  | 'HW_COLLECTOR_BAD_VERSION'
  | 'HW_COLLECTOR_AGENT_MISMATCH'
  | 'HW_COLLECTOR_MISSING_FIELD'
  | 'HW_COLLECTOR_BAD_FIELD'
  | 'HW_COLLECTOR_BAD_TIME'
  | 'HW_COLLECTOR_TOO_LARGE'
  | 'HW_COLLECTOR_WRONG_PARTITION';
