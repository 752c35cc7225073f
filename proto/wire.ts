// The generated codec for proto/hopwatch.proto, re-exported under short names.
// `npm run proto` regenerates proto/generated/ from the .proto file; never edit it by hand.
import { hopwatch } from './generated/hopwatch.js';

export const WireBatch = hopwatch.v1.Batch;
export const WireBatchAck = hopwatch.v1.BatchAck;
export const WireHopPoint = hopwatch.v1.HopPoint;
export const WireDeviceType = hopwatch.v1.DeviceType;
export const WireCspRegion = hopwatch.v1.CspRegion;
export const WireSmetsGeneration = hopwatch.v1.SmetsGeneration;
export const AckStatus = hopwatch.v1.BatchAck.Status;
export const WireTimeRequest = hopwatch.v1.TimeRequest;
export const WireTimeResponse = hopwatch.v1.TimeResponse;
export const WireTimeSample = hopwatch.v1.TimeSample;

export type WireBatchFields = hopwatch.v1.Batch.$Properties;
export type WireProfileFields = hopwatch.v1.Profile.$Properties;
export type WireEuiTableFields = hopwatch.v1.EuiTable.$Properties;

/** The wire version this build writes. */
export const WIRE_VERSION = 2;
/** The oldest wire version this build still reads (proto/hopwatch.proto marks what differs). */
export const OLDEST_WIRE_VERSION = 1;
