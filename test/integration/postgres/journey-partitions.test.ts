// Journey records on PostgreSQL are kept in one partition per UTC day of their start: a day's
// partition is made when a record first needs it, and dropping it removes exactly that day.
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { openPostgresStore, type PostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { partitionName } from '../../../collector/store/postgres/journey-partitions.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { request, writeOf } from '../../unit/metrics/harness.js';

const catalogue = loadCatalogue();
const NOW = Date.parse('2026-11-04T00:00:00Z');
const postgres = useTestPostgres();

describe('journey record partitions on PostgreSQL', () => {
  let store: PostgresStore;
  beforeEach(() => {
    store = openPostgresStore({ url: postgres.freshDatabase() });
  });
  afterEach(() => store.close());

  const write = (...records: ReturnType<typeof request>[]) => store.transaction(() => store.writeTick({ records: records.map((r) => writeOf(r)), closedOpenKeys: [] }, NOW));
  const partitionOf = (id: number) => store.db.query<{ p: string }>('SELECT tableoid::regclass::text AS p FROM journeys WHERE id = $1', [id])[0]?.p;

  it('keeps records of three days in three day partitions, and dropping the oldest day removes exactly its records', () => {
    const day1 = [1, 2].map((counter) => request({ at: '2026-11-01T23:59:59Z', srv: '4.1.1', counter }, catalogue));
    const day2 = request({ at: '2026-11-02T00:00:00Z', srv: '4.1.1', counter: 3 }, catalogue);
    const day3 = request({ at: '2026-11-03T12:00:00Z', srv: '4.1.1', counter: 4 }, catalogue);
    write(...day1, day2);
    write(day3);
    expect(store.partitions.list().map((p) => p.name)).toEqual(['journeys_20261101', 'journeys_20261102', 'journeys_20261103']);

    expect(store.partitions.dropBefore(Date.parse('2026-11-02T00:00:00Z'))).toEqual(['journeys_20261101']);
    for (const r of day1) expect(store.journeysByKey(r.key)).toEqual([]);
    expect(store.listJourneys({ limit: 10 }).map((j) => j.key)).toEqual([day3.key, day2.key]);
    expect(store.partitions.list().map((p) => p.name)).toEqual(['journeys_20261102', 'journeys_20261103']);
  });

  it('makes a dropped day again when a record of that day arrives later', () => {
    write(request({ at: '2026-11-01T10:00:00Z', srv: '4.1.1', counter: 5 }, catalogue));
    store.partitions.dropBefore(Date.parse('2026-11-02T00:00:00Z'));
    const late = request({ at: '2026-11-01T11:00:00Z', srv: '4.1.1', counter: 6 }, catalogue);
    write(late);
    expect(store.journeysByKey(late.key)).toHaveLength(1);
  });

  it('moves a record whose amendment starts it on another day, keeping its id and one row', () => {
    const first = request({ at: '2026-11-02T00:00:01Z', srv: '4.1.1', counter: 7 }, catalogue);
    write(first);
    const [ref] = store.findRecords([first.key]).get(first.key)!;
    expect(partitionOf(ref!.id)).toBe('journeys_20261102');
    const earlier = { ...request({ at: '2026-11-01T23:59:58Z', srv: '4.1.1', counter: 7 }, catalogue), amendments: 1 };
    store.transaction(() => store.writeTick({ records: [writeOf(earlier, { id: ref!.id, previous: first })], closedOpenKeys: [] }, NOW));
    expect(store.journeysByKey(first.key).map((j) => [j.id, j.startedUs, j.amendments])).toEqual([[ref!.id, earlier.startedUs, 1]]);
    expect(partitionOf(ref!.id)).toBe('journeys_20261101');
  });

  it('makes a day again after the transaction that made it rolled back', () => {
    const record = request({ at: '2026-11-01T10:00:00Z', srv: '4.1.1', counter: 8 }, catalogue);
    expect(() => store.transaction(() => {
      store.writeTick({ records: [writeOf(record)], closedOpenKeys: [] }, NOW);
      throw new Error('tick failed');
    })).toThrow('tick failed');
    expect(store.partitions.list()).toEqual([]);
    write(record);
    expect(store.journeysByKey(record.key)).toHaveLength(1);
  });
});

describe('journey record partition names', () => {
  it('name a day by its UTC date, and a day outside years 1000 to 9999 by its number', () => {
    expect(partitionName(Date.parse('2026-11-01T00:00:00Z') / 86_400_000)).toBe('journeys_20261101');
    expect(partitionName(-1)).toBe('journeys_19691231');
    expect(partitionName(-400_000)).toBe('journeys_dm400000');
    expect(partitionName(3_000_000)).toBe('journeys_d3000000');
  });
});
