// Clock models: each agent's fitted clock model (collector/clock), saved so a restart maps
// agent times at once. Saving an agent's model replaces the one saved before; clockModels()
// yields one model per agent that has one, as saved, in no promised order.
import type { ClockStateStore } from '../../clock/clock-registry.js';

export type ClockModelStore = ClockStateStore;
