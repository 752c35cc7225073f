// What an agent knows about a journey besides its key, and the response code a hop carries.
// Everything but `code` is per journey and travels as a shared Profile on the wire.
import { WireCspRegion, WireDeviceType, WireSmetsGeneration } from './wire.js';

export const DEVICE_TYPES = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'IHD', 'HCALCS'] as const;
export const CSP_REGIONS = ['NORTH', 'CENTRAL', 'SOUTH'] as const;
export const SMETS_GENERATIONS = ['SMETS1', 'SMETS2'] as const;

export type DeviceTypeName = (typeof DEVICE_TYPES)[number];
export type CspRegionName = (typeof CSP_REGIONS)[number];
export type SmetsGenerationName = (typeof SMETS_GENERATIONS)[number];

export interface JourneyContext {
  /** SRV ("4.8.1"), or for an alert journey its alert code ("N12", "0x8F72"). */
  readonly srv?: string;
  readonly deviceType?: DeviceTypeName;
  readonly deviceModel?: string;
  readonly firmwareVersion?: string;
  readonly chFirmwareVersion?: string;
  readonly cspRegion?: CspRegionName;
  readonly smetsGeneration?: SmetsGenerationName;
  readonly userRole?: string;
}

export interface HopContext extends JourneyContext {
  /** Response code this hop carries: I99 on UG_ACK; I0 or an error (E20, ...) on UG_OUT. */
  readonly code?: string;
}

/** The context of a journey no agent has said anything about; shared, so that a check is one comparison. */
export const EMPTY_CONTEXT: JourneyContext = Object.freeze({});

export const JOURNEY_CONTEXT_FIELDS = [
  'srv', 'deviceType', 'deviceModel', 'firmwareVersion', 'chFirmwareVersion', 'cspRegion', 'smetsGeneration', 'userRole',
] as const;

export type JourneyContextField = (typeof JOURNEY_CONTEXT_FIELDS)[number];

export const SRV_PATTERN = /^(?:[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}|0x[0-9A-Fa-f]{4}|[A-Z]{1,3}[0-9]{1,4})$/;
export const CODE_PATTERN = /^[A-Z]{1,3}[0-9]{1,4}$/;
/** Device models, firmware versions and User roles: printable ASCII, at most 64 characters. */
export const LABEL_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;

const enumValue = <T extends string>(names: readonly T[], wire: Record<string, unknown>) =>
  Object.fromEntries(names.map((n) => [n, wire[n] as number])) as Record<T, number>;

export const DeviceTypeNumber = enumValue(DEVICE_TYPES, WireDeviceType);
export const CspRegionNumber = enumValue(CSP_REGIONS, WireCspRegion);
export const SmetsGenerationNumber = enumValue(SMETS_GENERATIONS, WireSmetsGeneration);

const byNumber = <T extends string>(numbers: Record<T, number>) => {
  const out: (T | undefined)[] = [];
  for (const [name, n] of Object.entries(numbers) as [T, number][]) out[n] = name;
  return out;
};
export const deviceTypeName = byNumber(DeviceTypeNumber);
export const cspRegionName = byNumber(CspRegionNumber);
export const smetsGenerationName = byNumber(SmetsGenerationNumber);

/** Says what is wrong with a context from outside the process (JSON), or undefined when it is valid. */
export function contextProblem(ctx: Record<string, unknown>): string | undefined {
  const text = (field: string, pattern: RegExp) => {
    const v = ctx[field];
    if (v === undefined) return undefined;
    return typeof v === 'string' && pattern.test(v) ? undefined : `${field} ${JSON.stringify(v)} does not match ${pattern}`;
  };
  const oneOf = (field: string, names: readonly string[]) => {
    const v = ctx[field];
    if (v === undefined) return undefined;
    return typeof v === 'string' && names.includes(v) ? undefined : `${field} ${JSON.stringify(v)} is not one of ${names.join(', ')}`;
  };
  return text('srv', SRV_PATTERN) ?? text('code', CODE_PATTERN) ?? oneOf('deviceType', DEVICE_TYPES) ??
    text('deviceModel', LABEL_PATTERN) ?? text('firmwareVersion', LABEL_PATTERN) ??
    text('chFirmwareVersion', LABEL_PATTERN) ?? oneOf('cspRegion', CSP_REGIONS) ??
    oneOf('smetsGeneration', SMETS_GENERATIONS) ?? text('userRole', LABEL_PATTERN);
}

export function hasJourneyContext(ctx: HopContext): boolean {
  for (const field of JOURNEY_CONTEXT_FIELDS) if (ctx[field] !== undefined) return true;
  return false;
}
