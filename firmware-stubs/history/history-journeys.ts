// The demo's past, written in bulk: a day at a time, journeys are scripted with the same
// fleet, traffic mix, latency model and failure rates as the live simulation, turned into the
// records the collector's joiner would have built from their hops (stamped on true clocks),
// and handed to a writer that commits them the way ingest does. 35 days take seconds, where
// playing them through agents and MQTT would take 35 days.
import type { Catalogue } from '../../collector/catalogue/catalogue.js';
import { buildRecord, type JourneyRecord } from '../../collector/join/journey-record.js';
import type { CspRegionName, JourneyContext } from '../../proto/hop-context.js';
import type { DccUser, Device, Fleet } from '../fleet.js';
import { chooseAlertFate, chooseRequestFate, scriptAlert, scriptRequest, type FailureRates, type JourneyAgents, type JourneyScript, type RequestFate } from '../journey-script.js';
import { createLatencyModel, defaultLatencyParameters } from '../latency-model.js';
import { createRandom, type Random } from '../random.js';
import { latencyProfileOf } from '../simulation.js';
import { createKeyCounter, createTraffic, defaultAlertMix, defaultSrvMix } from '../traffic.js';
import type { HistoryPlan } from './history-plan.js';

const HOUR_MS = 3_600_000;
const MINUTE_US = 60_000_000;
/** Requests a minute to a region in an outage: enough for minutes to count as down (metrics.availability.minRequestsPerMinute). */
const OUTAGE_REQUESTS_PER_MINUTE = 5;

export interface HistoryWriter {
  /** Commits a day's records, as the collector's commit step would at `nowMs`. */
  write(records: readonly JourneyRecord[], nowMs: number): void;
  /** Notes that an agent was alive (publishing its status) through [fromMs, toMs). */
  alive(agentId: string, fromMs: number, toMs: number): void;
}

export interface DemoHistoryOptions {
  readonly fleet: Fleet;
  readonly catalogue: Catalogue;
  readonly plan: HistoryPlan;
  readonly failures: FailureRates;
  readonly seed: number;
  readonly writer: HistoryWriter;
  /** Called after each day with the share of the history written (0 to 1]. */
  readonly progress?: (done: number) => void;
}

export function writeDemoHistory(o: DemoHistoryOptions): { journeys: number } {
  const { fleet, plan, catalogue } = o;
  const random = createRandom(o.seed).fork('history');
  const traffic = createTraffic(fleet, { srvMix: defaultSrvMix, alertMix: defaultAlertMix }, random.fork('traffic'));
  const model = createLatencyModel(defaultLatencyParameters);
  const counter = createKeyCounter();
  const rigsIn = (region: CspRegionName) => fleet.rigs.filter((r) => r.cspRegion === region);
  const outageOf = (region: CspRegionName, atMs: number) => plan.outages.some((x) => x.region === region && atMs >= x.fromMs && atMs < x.toMs);
  const agentsOf = (device: Device): JourneyAgents => ({ gateway: fleet.gateway.agentId, csp: fleet.csps[device.rig.cspRegion].agentId, rig: device.rig.agentId });

  const request = (atUs: number, srv: string, user: DccUser, device: Device, fate?: RequestFate): JourneyRecord => {
    const down = outageOf(device.rig.cspRegion, atUs / 1000);
    const script = scriptRequest({
      key: `${user.eui}:${device.eui}:${counter(user.eui, atUs)}`, srv, startUs: atUs, profile: { ...latencyProfileOf(device), srv }, agents: agentsOf(device),
      fate: down ? 'no-response' : fate ?? chooseRequestFate(o.failures, random),
    }, model, random);
    return recordOf(script, { ...device.context, srv, userRole: user.role, cspRegion: device.rig.cspRegion }, catalogue);
  };
  const alert = (atUs: number): JourneyRecord => {
    const { key, alertCode, user, device } = traffic.nextAlert(atUs);
    const lost = outageOf(device.rig.cspRegion, atUs / 1000);
    const script = scriptAlert({ key, alertCode, raisedUs: atUs, profile: latencyProfileOf(device), agents: agentsOf(device), fate: lost ? 'lost' : chooseAlertFate(o.failures, random) }, model, random);
    return recordOf(script, { ...device.context, srv: alertCode, userRole: user.role, cspRegion: device.rig.cspRegion }, catalogue);
  };

  const cutRandom = random.fork('power-cuts');
  const powerAlert = (reason: 'power-outage' | 'power-restoration') => catalogue.data.alertCodes.find((a) => a.reason === reason)?.code;

  const hours = (plan.toMs - plan.fromMs) / HOUR_MS;
  let journeys = 0;
  let installsWritten = 0;
  const day: JourneyRecord[] = [];
  for (let h = 0; h < hours; h++) {
    const startMs = plan.fromMs + h * HOUR_MS;
    const date = new Date(startMs);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const at = () => Math.round((startMs + random.next() * HOUR_MS) * 1000);
    const records: JourneyRecord[] = [];

    for (let n = count(plan.peakRequestsPerSecond * 3600 * plan.shapeAt(date.getUTCHours(), weekend), random); n > 0; n--) {
      const t = at();
      const draw = traffic.nextRequest(t);
      records.push(request(t, draw.srv, draw.user, draw.device));
    }
    for (let n = count(plan.alertsPerSecond * 3600, random); n > 0; n--) records.push(alert(at()));
    records.push(...installs(Math.floor(h / 24), date.getUTCHours(), weekend, at), ...changesOfSupplier(date.getUTCHours(), weekend, at), ...outageTraffic(startMs), ...powerCutAlerts(startMs));
    records.sort((a, b) => a.startedUs - b.startedUs);
    day.push(...records);
    // A day per transaction: a commit costs far more than the rows it carries.
    if ((h + 1) % 24 === 0 || h + 1 === hours) {
      o.writer.write(day, startMs + HOUR_MS);
      journeys += day.length;
      day.length = 0;
      o.progress?.((h + 1) / hours);
    }
  }
  for (const agent of fleet.agents) o.writer.alive(agent.agentId, plan.fromMs, plan.toMs);
  return { journeys };

  // Installs run in working hours, spread evenly over 08:00-18:00.
  function installs(day: number, hour: number, weekend: boolean, at: () => number): JourneyRecord[] {
    if (hour < 8 || hour >= 18) return [];
    return Array.from({ length: count(plan.installsOn(day, weekend) / 10, random) }, () => {
      const fleetDevice = deviceOf(random.pick(fleet.rigs), random);
      // Every tenth install is of a meter new to the fleet that no User reads afterwards: the
      // demo's cases of MP176's "no meter read received within 30 days of 8.14.1".
      const device = ++installsWritten % 10 === 0 ? renumbered(fleetDevice, 'F0', installsWritten / 10) : fleetDevice;
      return request(at(), random.chance(0.8) ? '8.14.1' : '8.14.2', device.supplier, device);
    });
  }

  // The gaining supplier sends 6.23, then reads the meter ten minutes later: a 6.23 reported
  // failed is still a success when that later read works (MP122 CoS1).
  function changesOfSupplier(hour: number, weekend: boolean, at: () => number): JourneyRecord[] {
    if (weekend || hour < 8 || hour >= 18) return [];
    return Array.from({ length: count(plan.changesOfSupplierPerDay / 10, random) }, () => {
      const device = deviceOf(random.pick(fleet.rigs), random);
      const rivals = fleet.users.filter((u) => u.role === device.supplier.role && u !== device.supplier);
      const gaining = rivals.length > 0 ? random.pick(rivals) : device.supplier;
      const t = at();
      return [request(t, '6.23', gaining, device, random.chance(0.12) ? 'E21' : 'success'), request(t + 10 * MINUTE_US, '4.1.1', gaining, device, 'success')];
    }).flat();
  }

  // Each hub of a power cut raises a Power Outage Alert (the catalogue's code of reason
  // power-outage) to its supplier; most raise a Power Restoration Alert 40 minutes later.
  // The hubs are meters of the region's rigs with serials of their own (slot E0).
  function powerCutAlerts(startMs: number): JourneyRecord[] {
    const outage = powerAlert('power-outage');
    const restoration = powerAlert('power-restoration');
    const out: JourneyRecord[] = [];
    for (const cut of plan.powerCuts) {
      if (outage === undefined || cut.atMs < startMs || cut.atMs >= startMs + HOUR_MS) continue;
      const rigs = rigsIn(cut.region);
      for (let n = 0; n < cut.hubs; n++) {
        const hub = renumbered(rigs[n % rigs.length]!.esme, 'E0', n);
        const raisedUs = Math.round((cut.atMs + cutRandom.next() * 120_000) * 1000);
        out.push(powerAlertRecord(outage, hub, raisedUs));
        if (restoration !== undefined && cutRandom.chance(cut.restoredShare)) out.push(powerAlertRecord(restoration, hub, raisedUs + 40 * MINUTE_US));
      }
    }
    return out;
  }

  function powerAlertRecord(alertCode: string, device: Device, raisedUs: number): JourneyRecord {
    const key = `${device.eui}:${device.supplier.eui}:${counter(device.eui, raisedUs)}`;
    const script = scriptAlert({ key, alertCode, raisedUs, profile: latencyProfileOf(device), agents: agentsOf(device), fate: 'delivered' }, model, cutRandom);
    return recordOf(script, { ...device.context, srv: alertCode, userRole: device.supplier.role, cspRegion: device.rig.cspRegion }, catalogue);
  }

  // Users keep sending to a region while it is down; nothing comes back.
  function outageTraffic(startMs: number): JourneyRecord[] {
    const out: JourneyRecord[] = [];
    for (const x of plan.outages) {
      const rigs = rigsIn(x.region);
      for (let m = Math.max(startMs, x.fromMs); m < Math.min(startMs + HOUR_MS, x.toMs); m += 60_000) {
        for (let i = 0; i < OUTAGE_REQUESTS_PER_MINUTE; i++) {
          const device = deviceOf(random.pick(rigs), random);
          out.push(request(Math.round((m + random.next() * 60_000) * 1000), '4.1.1', device.supplier, device));
        }
      }
    }
    return out;
  }
}

/** A device like `device` (same model, rig and supplier) with a serial of its own: serial slot `slot`, the nth. */
function renumbered(device: Device, slot: string, n: number): Device {
  const bytes = device.eui.split('-');
  bytes[3] = slot;
  bytes[6] = ((n >> 8) & 0xff).toString(16).toUpperCase().padStart(2, '0');
  bytes[7] = (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return { ...device, eui: bytes.join('-') };
}

function deviceOf(rig: Fleet['rigs'][number], random: Random): Device {
  return random.chance(0.5) ? rig.esme : rig.gsme;
}

/** A Poisson-like whole count with mean `mean`: the fraction decides one more. */
function count(mean: number, random: Random): number {
  return Math.floor(mean) + (random.chance(mean - Math.floor(mean)) ? 1 : 0);
}

/** The record the joiner builds from the script's hops; true times stand in for agent clocks. */
function recordOf(script: JourneyScript, context: JourneyContext, catalogue: Catalogue): JourneyRecord {
  const hops = {
    points: script.hops.map((h) => h.point),
    agentIds: script.hops.map((h) => h.agentId),
    times: script.hops.map((h) => h.trueUs),
    codes: script.hops.map((h) => h.code),
  };
  return buildRecord({ key: script.key, hops, context, cause: script.reason === undefined ? 'final' : 'timeout', amendments: 0 }, catalogue);
}
