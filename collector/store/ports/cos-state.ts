// Change of Supplier (6.23) requests, and the later SR that showed a reported failure worked
// (collector/metrics/cos-tracker.ts, change-of-supplier.ts).

export interface CosRequest {
  readonly key: string;
  readonly startedUs: number;
  readonly groupId: number;
  readonly device: string;
  readonly party: string;
  readonly success: boolean;
  readonly reasonId: number;
}

export interface StoredCosRequest {
  readonly startedUs: number;
  readonly groupId: number;
  readonly success: boolean;
  readonly reasonId: number;
  /** When a later SR showed the reported failure worked, or null. */
  readonly rescuedUs: number | null;
}

export interface CosStore {
  /** Inserts, or updates the group, outcome and reason of the request with the same key and start. */
  saveRequest(r: CosRequest): void;
  dropRequest(key: string, startedUs: number): void;
  /** Marks the device's failed, unrescued requests from `party` started in [sinceUs, beforeUs) as rescued at `atUs`. */
  rescue(device: string, party: string, atUs: number, sinceUs: number, beforeUs: number): void;
  /** Devices with a failed request not rescued, and the latest such start. */
  unrescuedFailures(): { device: string; lastUs: number }[];
  /** Requests started in [fromUs, toUs). */
  requestsBetween(fromUs: number, toUs: number): StoredCosRequest[];
}
