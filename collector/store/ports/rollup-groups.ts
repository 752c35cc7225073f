// What rollups are reported under: groups (SRV, context, party, sequence tag) and failure
// reasons, each stored once and referred to by id. Ids run from 1 without gaps.

/** A group's fields; every one is text, '' when unknown. */
export interface GroupFields {
  readonly kind: string;
  readonly srv: string;
  readonly region: string;
  readonly smets: string;
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly chFirmwareVersion: string;
  readonly userRole: string;
  readonly party: string;
  readonly tag: string;
}

export interface StoredGroup {
  readonly id: number;
  readonly signature: string;
  readonly fields: GroupFields;
}

export interface RollupGroupStore {
  /** Groups with ids above `afterId`, by id. */
  groupsAfter(afterId: number): StoredGroup[];
  /** One field of the groups with ids above `afterId`, by id. */
  fieldAfter(field: keyof GroupFields, afterId: number): string[];
  /** Stores a new group; returns its id. The signature must be new. */
  addGroup(signature: string, fields: GroupFields): number;
  reasons(): { id: number; reason: string }[];
  /** Stores a new failure reason; returns its id. */
  addReason(reason: string): number;
}
