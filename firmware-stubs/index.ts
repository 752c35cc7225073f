// firmware-stubs: simulated Communications Hub rigs, HAN devices and CSP/DCC gateway legs,
// each stamped by a real hopwatch agent, with the ground truth to judge hopwatch against.
export type { AgentClockOptions, AgentClockSpec, ClockStep, SimulatedClock } from './agent-clock.js';
export { createAgentClock } from './agent-clock.js';
export type { Delivery, DeliveryKind } from './delivery-faults.js';
export { createDeliveryFaults } from './delivery-faults.js';
export { StubsError } from './errors.js';
export type {
  AgentRole, AgentSpec, ClockSpread, DccUser, Device, DeviceModelSpec, Fleet, FleetOptions, Inventory, Rig, UserRole,
} from './fleet.js';
export { createFleet, cspAgentId, defaultClockSpread, defaultInventory, defaultUsers, demoUsers, GATEWAY_AGENT_ID, rigAgentId } from './fleet.js';
export type { FleetAgents, FleetAgentsOptions } from './fleet-agents.js';
export { startFleetAgents } from './fleet-agents.js';
export type { GroundTruth, GroundTruthOptions, JourneyTruth, TrueFigures, TrueSegment, TruthHop } from './ground-truth.js';
export { createGroundTruth, DEFAULT_MAX_TRUTH_JOURNEYS } from './ground-truth.js';
export type { HopContexts } from './hop-contexts.js';
export { createHopContexts } from './hop-contexts.js';
export type {
  AlertFate, AlertPlan, FailureRates, JourneyAgents, JourneyKind, JourneyScript, RequestFate, RequestPlan, ScriptHop, SlowResponses,
} from './journey-script.js';
export { chooseAlertFate, chooseRequestFate, chooseSlowHanUs, scriptAlert, scriptRequest } from './journey-script.js';
export type {
  HanDeviceType, LatencyModel, LatencyParameters, LatencyProfile, LatencySegment, Lognormal, ProbeLeg, ProbeParameters, ProbePath,
} from './latency-model.js';
export { createLatencyModel, defaultLatencyParameters, defaultProbeParameters, LATENCY_SEGMENTS } from './latency-model.js';
export type { Random, Weighted } from './random.js';
export { createRandom, createWeightedChoice } from './random.js';
export type { RealtimeSchedulerOptions, Scheduler, Task, VirtualScheduler, VirtualSchedulerOptions } from './scheduler.js';
export { createRealtimeScheduler, createVirtualScheduler } from './scheduler.js';
export type { Simulation, SimulationStats } from './simulation.js';
export { simulationAgentIds, startSimulation } from './simulation.js';
export type {
  AgentTuning, DeliveryFaults, ResolvedSimulationOptions, SimulationMode, SimulationOptions,
} from './simulation-options.js';
export { resolveSimulationOptions, simulationDefaults } from './simulation-options.js';
export type { Exchange, ProbedAgent, SimulatedProbes, SimulatedProbesOptions, SimulatedTimeSample, TimeProbeOptions } from './time-probes.js';
export { playExchange, startSimulatedProbes } from './time-probes.js';
export type { AlertDraw, AlertMixEntry, RequestDraw, SrvMixEntry, Traffic, TrafficOptions } from './traffic.js';
export { createTraffic, defaultAlertMix, defaultSrvMix } from './traffic.js';
