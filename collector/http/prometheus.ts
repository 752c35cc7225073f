// GET /metrics in Prometheus text format. Values are read from the components' counters
// at scrape time, so the hot paths never touch the registry.
import client from 'prom-client';
import type { AlertingCounters } from '../alerting/alerting.js';
import type { AgentAuthorityCounters } from '../auth/agent-authority.js';
import type { MqttDenials } from '../broker/mqtt-denials.js';
import type { ClockRegistry } from '../clock/clock-registry.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Joiner } from '../join/joiner.js';
import type { RecoveryResult } from '../ingest/recovery.js';
import type { OtlpExportCounters } from '../export/otlp/otlp-exporter.js';
import type { LeaseKeeper } from '../cluster/lease-keeper.js';
import type { PartitionLag } from '../store/ports/partition-leases.js';

export interface MetricSources {
  readonly clocks: ClockRegistry;
  readonly ingest: Ingest;
  readonly joiner: Joiner;
  readonly recovery: RecoveryResult;
  /** The embedded broker's refusals (absent with an external broker). */
  readonly mqttDenials?: MqttDenials;
  /** Agent secret checks (absent with an external broker). */
  readonly agentAuth?: AgentAuthorityCounters;
  readonly timeServer?: { readonly unsigned: number };
  /** Histograms observed as records commit (collector/metrics/journey-time-histograms.ts). */
  readonly journeyTimes?: readonly client.Metric[];
  readonly alerting?: AlertingCounters;
  /** Each agent's clock uncertainty now, µs (null: offset not known yet). */
  readonly clockUncertainties?: () => readonly { readonly agentId: string; readonly uncertaintyUs: number | null }[];
  /** Journeys sent as traces (absent without export.otlp.endpoint). */
  readonly otlpExport?: OtlpExportCounters;
  /** This collector's partition leases (absent: it takes no part in them). */
  readonly partitions?: PartitionMetricSources;
}

export interface PartitionMetricSources {
  readonly keeper: LeaseKeeper;
  /** Each held partition's lag, as sent with the renewals. */
  readonly lag?: () => readonly PartitionLag[];
}

export function createMetricsRegistry(src: MetricSources): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'hopwatch_collector_' });

  const counter = (name: string, help: string, read: () => number) =>
    new client.Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
  const gauge = (name: string, help: string, read: () => number) =>
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });

  const ingest = src.ingest.counters;
  const join = src.joiner.counters;
  counter('hopwatch_ingested_batches_total', 'Batches stored (first delivery only).', () => ingest.batchesStored);
  counter('hopwatch_ingested_hops_total', 'Hops in stored batches.', () => ingest.hopsStored);
  counter('hopwatch_duplicate_batches_total', 'Batches delivered again and acknowledged again, counted once.', () => ingest.batchesDuplicate);
  counter('hopwatch_overloaded_batches_total', 'Batches not taken because the ingest queue was full (agents resend them).', () => ingest.overloaded);
  counter('hopwatch_batches_not_held_total', 'Batches of a partition this collector does not hold (handed over): not acknowledged, so agents resend them to its owner.', () => ingest.batchesNotHeld);
  counter('hopwatch_store_failures_total', 'Ingest transactions that failed to commit.', () => ingest.storeFailures);
  counter('hopwatch_ingest_ticks_at_hop_bound_total', 'Ingest ticks that left batches to the next tick at their bound of hops (the event loop is kept short for the lease keeper).', () => ingest.ticksAtHopBound);
  counter('hopwatch_agent_statuses_unsigned_total', 'Statuses of an agent with a credential that carry no valid mac: ignored.', () => ingest.statusesUnsigned);
  new client.Counter({
    name: 'hopwatch_rejected_batches_total', help: 'Batches rejected, by reason.', labelNames: ['reason'], registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(ingest.rejectedByReason)) this.inc({ reason }, n);
    },
  });
  counter('hopwatch_duplicate_hops_total', 'Hops seen before (same journey, point, agent and time).', () => join.duplicateHops);
  counter('hopwatch_conflicting_hops_total', 'Hops repeating a point with another time (the earlier time is kept).', () => join.conflictingHops);
  counter('hopwatch_journeys_completed_total', 'Journeys closed by their final point.', () => join.completed);
  counter('hopwatch_journeys_timed_out_total', 'Journeys closed as no-response when their window ran out.', () => join.timedOut);
  counter('hopwatch_journey_amendments_total', 'Stored records changed by hops that arrived after completion.', () => join.amendments);
  gauge('hopwatch_recovered_open_journeys', 'Open journeys restored from the checkpoint at start-up.', () => src.recovery.restoredOpen);
  gauge('hopwatch_replayed_batches', 'Logged batches joined again at start-up (after a crash or restart).', () => src.recovery.replayedBatches);
  gauge('hopwatch_open_journeys', 'Journeys waiting for more hops (in memory and in the store).', () => src.joiner.openCount);
  gauge('hopwatch_open_journeys_resident', 'Open journeys held in memory (bound: join.maxResidentJourneys).', () => src.joiner.openJourneyCounters().resident);
  counter('hopwatch_open_journey_evictions_total', 'Open journeys moved from memory to the store to keep the bound.', () => src.joiner.openJourneyCounters().evictions);
  counter('hopwatch_open_journey_reloads_total', 'Evicted open journeys brought back by a hop.', () => src.joiner.openJourneyCounters().reloads);
  counter('hopwatch_unreconciled_records_total', 'Records whose cross-agent segments are negative beyond their bounds (flagged, figures not clamped).', () => join.unreconciled);
  counter('hopwatch_late_hop_lookups_total', 'Keys with no open journey that were looked up among stored records (one read per batch).', () => join.lateLookups);
  counter('hopwatch_journeys_key_reused_total', 'Journeys started because their key was used again: a point repeated at a later time after the key\'s journey ended.', () => join.keyReused);
  counter('hopwatch_late_hop_filter_early_rotations_total', 'Times a full late-hop key filter forgot keys before their window ran out (bound: join.lateHopCapacity).', () => src.joiner.openJourneyCounters().lateHopFilterEarlyRotations);
  counter('hopwatch_time_samples_total', 'Four-timestamp time exchanges reported by agents.', () => src.clocks.samples);
  counter('hopwatch_records_remapped_total', 'Stored records mapped again because their agents\' clock models came to know the rates at least twice as well.', () => join.remapped);
  gauge('hopwatch_provisional_records', 'Records mapped with a young clock model, waiting to be mapped again (bound: 100,000).', () => src.joiner.provisionalCount);
  counter('hopwatch_provisional_records_dropped_total', 'Records mapped with a young clock model that keep that mapping because the queue was full.', () => join.provisionalDropped);
  gauge('hopwatch_clock_agents_beyond_drift_limit', 'Agents whose measured clock drift is beyond 1,000 ppm (bounds widened; see GET /api/v1/clocks).', () => src.clocks.agentsBeyondDriftLimit);
  gauge('hopwatch_ingest_queue_batches', 'Batches received and waiting for ingest.', () => src.ingest.queued);
  new client.Gauge({
    name: 'hopwatch_agent_buffer_batches', help: 'Batches buffered by each agent, from its last status.', labelNames: ['agent'], registers: [registry],
    collect() {
      this.reset();
      for (const [agent, status] of src.ingest.agentStatuses()) {
        const buffer = status.buffer as { batches?: unknown } | undefined;
        if (typeof buffer?.batches === 'number') this.set({ agent }, buffer.batches);
      }
    },
  });
  new client.Gauge({
    name: 'hopwatch_agent_online', help: '1 when the agent\'s last status says online, 0 after its last will (offline).', labelNames: ['agent'], registers: [registry],
    collect() {
      this.reset();
      for (const [agent, status] of src.ingest.agentStatuses()) this.set({ agent }, status.state === 'online' ? 1 : 0);
    },
  });
  const denials = src.mqttDenials;
  if (denials) {
    new client.Counter({
      name: 'hopwatch_mqtt_denied_total', help: 'MQTT connections, packets, publishes and subscriptions the embedded broker refused, by action and reason (README "Security").',
      labelNames: ['action', 'reason'], registers: [registry],
      collect() {
        this.reset();
        for (const e of denials.entries()) this.inc({ action: e.action, reason: e.reason }, e.count);
      },
    });
  }
  const auth = src.agentAuth;
  if (auth) {
    counter('hopwatch_agent_secret_checks_total', 'Agent secrets checked with scrypt (the rest came from the cache of recent successes).', () => auth.slowVerifications);
    counter('hopwatch_agent_secret_cache_hits_total', 'Agent secrets accepted from the cache of recent successful checks.', () => auth.cachedVerifications);
    counter('hopwatch_agent_secret_failures_total', 'Agent secret checks that failed (unknown or revoked agent, wrong secret).', () => auth.failedVerifications);
    counter('hopwatch_agent_secret_checks_busy_total', 'Agent secret checks refused because too many were running and waiting (a flood of CONNECTs).', () => auth.busyVerifications);
    gauge('hopwatch_agent_secret_cache_entries', 'Recent successful secret checks kept (bounded; the oldest goes first).', () => auth.cachedEntries);
  }
  const time = src.timeServer;
  if (time) counter('hopwatch_time_samples_unsigned_total', 'Clock samples without a valid mac from an agent the collector holds a credential for: ignored.', () => time.unsigned);
  const uncertainties = src.clockUncertainties;
  if (uncertainties) {
    new client.Gauge({
      name: 'hopwatch_agent_clock_uncertainty_seconds', help: 'Bound on the error of each agent\'s clock mapped onto the collector\'s (+Inf until its offset is known).', labelNames: ['agent'], registers: [registry],
      collect() {
        this.reset();
        for (const c of uncertainties()) this.set({ agent: c.agentId }, c.uncertaintyUs === null ? Infinity : c.uncertaintyUs / 1e6);
      },
    });
  }
  const alerting = src.alerting;
  if (alerting) {
    counter('hopwatch_alert_evaluations_total', 'Evaluations of the alert rules (all rules once each).', () => alerting.evaluations);
    counter('hopwatch_alert_evaluation_failures_total', 'Alert rule evaluations whose query failed (the rule kept its state).', () => alerting.evaluationFailures);
    gauge('hopwatch_alerts_firing', 'Alert series firing now (GET /api/v1/alerting/rules).', () => alerting.firing);
    counter('hopwatch_alert_series_untracked_total', 'Alert series not tracked because alerting.maxSeries were.', () => alerting.untrackedSeries);
    counter('hopwatch_alert_history_save_failures_total', 'Saves of alert states and history the store refused (kept queued for the next evaluation).', () => alerting.historySaveFailures);
    counter('hopwatch_alert_history_dropped_total', 'Alert transitions dropped from the save queue (bound: alerting.historyLimit) while the store refused them.', () => alerting.historyDropped);
    const n = alerting.notifications;
    gauge('hopwatch_alert_notifications_queued', 'Alert notifications waiting for the webhook (bound: alerting.webhook.maxQueued).', () => n.queued);
    counter('hopwatch_alert_notifications_sent_total', 'Alert notifications the webhook took.', () => n.sent);
    counter('hopwatch_alert_notifications_failed_total', 'Alert notifications given up on after alerting.webhook.maxAttempts, or refused by the webhook.', () => n.failed);
    counter('hopwatch_alert_notifications_dropped_total', 'Alert notifications dropped because the queue was full (the oldest goes).', () => n.dropped);
    counter('hopwatch_alert_notification_retries_total', 'Webhook POSTs tried again after a failure.', () => n.retries);
  }
  const otlp = src.otlpExport;
  if (otlp) {
    counter('hopwatch_otlp_exported_journeys_total', 'Journeys delivered to the OTLP endpoint as traces (an amended journey counts again).', () => otlp.exported);
    counter('hopwatch_otlp_dropped_journeys_total', 'Journeys not exported because the OTLP queue was full (export.otlp.maxQueueSize); they stay stored.', () => otlp.dropped);
    counter('hopwatch_otlp_failed_journeys_total', 'Journeys whose OTLP request was refused or not answered after every retry; they stay stored.', () => otlp.failed);
    counter('hopwatch_otlp_retries_total', 'OTLP requests sent again after a 429, 502, 503, 504 or no answer.', () => otlp.retries);
    gauge('hopwatch_otlp_queue_journeys', 'Journeys waiting to be exported (bound: export.otlp.maxQueueSize).', () => otlp.queued);
  }
  if (src.partitions) registerPartitionMetrics(registry, src.partitions);
  for (const metric of src.journeyTimes ?? []) registry.registerMetric(metric);
  return registry;
}

/** Per-partition lease state and lag, and the lease keeper's counters (README "Running several collectors"). */
export function registerPartitionMetrics(registry: client.Registry, src: PartitionMetricSources): void {
  const { keeper } = src;
  const c = keeper.counters;
  const counter = (name: string, help: string, read: () => number) =>
    new client.Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
  new client.Gauge({
    name: 'hopwatch_partition_lease_held', help: '1 for each partition whose lease this collector holds now, 0 for the others.', labelNames: ['partition'], registers: [registry],
    collect() {
      this.reset();
      for (let p = 0; p < keeper.partitionCount; p++) this.set({ partition: String(p) }, keeper.holds(p) ? 1 : 0);
    },
  });
  const lag = src.lag;
  if (lag) {
    new client.Gauge({
      name: 'hopwatch_partition_lag_seconds', help: 'For each held partition, now minus the receipt of its oldest batch not committed yet.', labelNames: ['partition'], registers: [registry],
      collect() {
        this.reset();
        for (const l of lag()) this.set({ partition: String(l.partition) }, l.lagMs / 1000);
      },
    });
  }
  counter('hopwatch_partition_leases_acquired_total', 'Partition leases this collector took (at start, from dead members, in rebalances).', () => c.acquired);
  counter('hopwatch_partition_leases_released_total', 'Partition leases this collector gave up (rebalances to members that joined, clean stop).', () => c.released);
  counter('hopwatch_partition_leases_lost_total', 'Partition leases this collector lost: taken by another member, or run out before a renewal got through.', () => c.lost);
  counter('hopwatch_partition_rebalances_total', 'Rebalance steps that took or gave up partitions.', () => c.rebalances);
  counter('hopwatch_partition_lease_renewals_total', 'Heartbeats that renewed this collector\'s leases.', () => c.renewals);
  counter('hopwatch_partition_lease_store_failures_total', 'Lease statements that failed (store unreachable): leases run out unless the store answers again.', () => c.storeFailures);
  counter('hopwatch_partition_lease_callback_failures_total', 'Partition hand-overs the data plane failed (onAcquired, onReleasing, onLost threw).', () => c.callbackFailures);
}
