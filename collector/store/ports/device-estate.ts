// A party's estate (MP176 "Inventory reporting"): the devices seen in its journeys, one row per
// party, device and local month holding what the device was last reported as in that month
// (collector/metrics/estate-tracker.ts writes it, collector/metrics/inventory.ts reads it).

/** One device as a party's journeys reported it; '' for a field no journey carried. */
export interface DeviceSighting {
  readonly party: string;
  readonly device: string;
  /** Local month, YYYY-MM, in the reporting time zone. */
  readonly month: string;
  /** Start of the journey, microseconds since the Unix epoch. */
  readonly seenUs: number;
  readonly userRole: string;
  readonly smets: string;
  readonly region: string;
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
}

export interface DeviceEstateStore {
  /**
   * Notes sightings. Per party, device and month the latest sighting's fields win, except that
   * an empty field never replaces a known one (an alert may carry no User Role).
   */
  noteSightings(sightings: readonly DeviceSighting[]): void;
  /**
   * Every device of every party (or of one) at the end of `month`: for each party and device
   * seen in or before the month, its row of the latest such month. Ordered by party, device.
   */
  estateAt(month: string, party?: string): DeviceSighting[];
}
