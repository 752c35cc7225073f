// What rollups are reported under: groups (SRV, context, party, sequence tag) and failure
// reasons, each stored once and referred to by id. Ids run from 1 without gaps.

/** A group's fields; every one is text, '' when unknown. */
export interface GroupFields {
  readonly kind: string;
  /** SRV, or the alert code of an alert; '' when no agent named it. Other fields: '' when unknown. */
  readonly srv: string;
  readonly region: string;
  readonly smets: string;
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly chFirmwareVersion: string;
  readonly userRole: string;
  /** The DCC User: the originator of a request, the recipient of an alert (EUI-64). */
  readonly party: string;
  /** `attr:<rule id>`, `attr:default` or `attr:none` for a shared SRV; `attempt:<n>` for a top-up; else ''. */
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
