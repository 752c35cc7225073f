// The alert codes and SRVs the alert sequence measures follow (collector/metrics/
// alert-sequences.ts), taken from the catalogue so that a deployment's codes apply.
import type { Catalogue } from '../catalogue/catalogue.js';

/** MP122 DF1/DF2: SRV 11.1 Update Firmware delivers the image the device then verifies. */
export const FIRMWARE_SRV = '11.1';
/** MP122 DF2: device firmware image verification success and failure. */
export const FIRMWARE_VERIFIED = '0x8F72';
export const FIRMWARE_REJECTED = '0x8F1C';
/** MP176 Alert reporting: N42 'Security Credentials Updated on the Device' after N16 'Device Identity Confirmation'. */
export const CREDENTIALS_UPDATED = 'N42';

export interface SequenceCodes {
  /** The alert that starts the N42 window (the catalogue's slaAfter of N42), and the window. */
  readonly identity: { readonly code: string; readonly seconds: number } | undefined;
  /** Alert codes whose catalogue reason is power-outage / power-restoration (MP176 names them without codes). */
  readonly outage: readonly string[];
  readonly restoration: readonly string[];
  /** Every alert code and SRV followed. */
  readonly followed: ReadonlySet<string>;
}

export function sequenceCodes(catalogue: Catalogue): SequenceCodes {
  const alerts = catalogue.data.alertCodes;
  const after = alerts.find((a) => a.code === CREDENTIALS_UPDATED)?.slaAfter;
  const identity = after?.seconds !== undefined ? { code: after.code, seconds: after.seconds } : undefined;
  const outage = alerts.filter((a) => a.reason === 'power-outage').map((a) => a.code);
  const restoration = alerts.filter((a) => a.reason === 'power-restoration').map((a) => a.code);
  const followed = new Set([
    FIRMWARE_SRV, FIRMWARE_VERIFIED, FIRMWARE_REJECTED, ...outage, ...restoration,
    ...(identity ? [identity.code, CREDENTIALS_UPDATED] : []),
  ]);
  return { identity, outage, restoration, followed };
}
