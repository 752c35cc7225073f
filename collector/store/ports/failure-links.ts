// Failure alerts (N12, N13) and the SR each is linked to (collector/metrics/failure-links.ts),
// with the latest SR of each User to each device, which the linking reads.

export interface LastRequest {
  readonly party: string;
  readonly device: string;
  readonly key: string;
  readonly srv: string;
  readonly startedUs: number;
}

export interface FailureLink {
  readonly alertKey: string;
  readonly alertStartedUs: number;
  readonly device: string;
  readonly party: string;
  readonly code: string;
  /** The linked SR, or null when none could be. */
  readonly requestKey: string | null;
  readonly requestSrv: string | null;
  readonly requestStartedUs: number | null;
}

export interface FailureLinkStore {
  /** Keeps, per User and device, the request with the latest start. */
  noteRequests(requests: readonly LastRequest[]): void;
  lastRequest(party: string, device: string): LastRequest | undefined;
  /** Inserts, or replaces the link of the same alert (key and start). */
  saveLinks(links: readonly FailureLink[]): void;
  /** Links of alerts from these devices raised at or after `sinceUs`. */
  linksOfDevices(devices: readonly string[], sinceUs: number): FailureLink[];
  /** Links of alerts raised in [fromUs, toUs), oldest first. */
  links(fromUs: number, toUs: number): FailureLink[];
}
