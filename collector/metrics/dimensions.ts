// What a record is reported under (its group) and the dimensions reports slice by. A group
// is the record's SRV (or alert code), its context, its party and a sequence tag; the
// business process is derived from the SRV and, for SRVs several processes share, the tag
// (an SRV that only one process lists belongs to that process alone).
import type { Catalogue } from '../catalogue/catalogue.js';
import type { GroupFields } from '../store/ports/rollup-groups.js';

/** Slices a user can filter and group by (query parameters `by` and one per dimension). */
export const SLICE_DIMENSIONS = [
  'srv', 'process', 'region', 'smets', 'deviceType', 'deviceModel', 'firmwareVersion', 'chFirmwareVersion', 'party', 'userRole',
] as const;
/** Dimensions of the process indicators: the top-up attempt, the attribution rule applied. */
export const DIMENSIONS = [...SLICE_DIMENSIONS, 'attempt', 'attribution'] as const;
export type SliceDimension = (typeof SLICE_DIMENSIONS)[number];
export type Dimension = (typeof DIMENSIONS)[number];

export type RecordKind = 'request' | 'alert';

/** A group's fields (collector/store/ports/rollup-groups.ts), with its kind known. */
export interface GroupDims extends GroupFields {
  readonly kind: RecordKind;
}

export const GROUP_FIELDS = ['kind', 'srv', 'region', 'smets', 'deviceType', 'deviceModel', 'firmwareVersion', 'chFirmwareVersion', 'userRole', 'party', 'tag'] as const;

export function groupSignature(g: GroupDims): string {
  return GROUP_FIELDS.map((f) => g[f]).join('\u0001');
}

/** The process a shared SRV's SR was attributed to, from its tag; undefined when unattributed. */
export function attributedProcess(g: GroupDims, catalogue: Catalogue): string | undefined {
  const a = catalogue.data.attribution;
  if (g.tag === 'attr:default') return a.defaults.find((d) => d.srv === g.srv)?.process;
  if (g.tag.startsWith('attr:')) return a.rules.find((r) => r.id === g.tag.slice(5))?.process;
  return undefined;
}

/** The value a group takes on a dimension ('' for unknown or none). Each group is in at most one process. */
export function dimensionValue(g: GroupDims, dim: Dimension, catalogue: Catalogue): string {
  switch (dim) {
    case 'process': {
      if (g.kind !== 'request') return '';
      if (catalogue.isShared(g.srv)) return attributedProcess(g, catalogue) ?? '';
      return catalogue.processesOf(g.srv)[0]?.id ?? '';
    }
    case 'attempt':
      return g.tag.startsWith('attempt:') ? g.tag.slice(8) : '';
    case 'attribution':
      return g.tag.startsWith('attr:') ? g.tag.slice(5) : '';
    default:
      return g[dim];
  }
}
