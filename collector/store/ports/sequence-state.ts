// The per-device history the sequence rules need (collector/metrics/sequence-tags.ts): the
// latest SR of each trigger SRV a device received, its top-up attempts, and the tag each
// record was reported under.

export interface TopUpState {
  readonly lastUs: number;
  readonly attempt: number;
  readonly failed: boolean;
}

export interface SequenceStateStore {
  /** The latest start of each SRV noted for the device. */
  deviceEvents(device: string): { srv: string; lastUs: number }[];
  /** Notes an SR to the device; an earlier start than the one stored leaves it. */
  noteDeviceEvent(device: string, srv: string, startedUs: number): void;
  topUp(device: string): TopUpState | undefined;
  saveTopUp(device: string, state: TopUpState): void;
  /** The tag a record was reported under, or undefined. */
  tagOf(key: string, startedUs: number): string | undefined;
  saveTag(key: string, startedUs: number, tag: string): void;
  dropTag(key: string, startedUs: number): void;
  /**
   * A hint, optional: the devices and records the calls that follow in this transaction will
   * ask about, so that a store whose every read is a round trip (PostgreSQL) reads them in one
   * go. It changes nothing any call returns.
   */
  prefetch?(devices: readonly string[], records: readonly { key: string; startedUs: number }[]): void;
}
