import { describe, expect, it } from 'vitest';
import { JoinKey } from '../../../collector/join/join-key.js';
import { ProvisionalRecords, worstMappedHop, type ProvisionalRecord } from '../../../collector/join/provisional-records.js';
import { keyText } from '../../helpers/batches.js';

const entry = (counter: number, dueMs: number): ProvisionalRecord => ({ key: JoinKey.parse(keyText(counter))!, agentId: 'gw', timeUs: counter, rateUncertainty: 1e-4, dueMs, untilMs: dueMs + 1000 });

describe('provisional records', () => {
  it('gives back only the entries that are due, oldest first', () => {
    const q = new ProvisionalRecords();
    q.note(entry(1, 100));
    q.note(entry(2, 200));

    expect(q.takeDue(150)?.timeUs).toBe(1);
    expect(q.takeDue(150)).toBeUndefined();
    expect(q.takeDue(200)?.timeUs).toBe(2);
    expect(q.size).toBe(0);
  });

  it('refuses entries beyond its capacity', () => {
    const q = new ProvisionalRecords(2);

    const noted = [q.note(entry(1, 100)), q.note(entry(2, 100)), q.note(entry(3, 100))];

    expect(noted).toEqual([true, true, false]);
    expect(q.size).toBe(2);
  });

  it('returns to its last commit on abort: what was taken is back, what was noted is gone', () => {
    const q = new ProvisionalRecords();
    q.note(entry(1, 100));
    q.note(entry(2, 100));
    q.commit();
    q.takeDue(100);
    q.note(entry(3, 400));

    q.abort();

    expect(q.size).toBe(2);
    expect(q.takeDue(100)?.timeUs).toBe(1);
  });

  it('keeps its order across commits that drop the entries already taken', () => {
    const q = new ProvisionalRecords();
    for (let i = 1; i <= 4; i++) q.note(entry(i, i * 100));
    q.takeDue(300);
    q.takeDue(300);
    q.takeDue(300);
    q.commit();
    q.note(entry(5, 500));
    q.commit();

    expect([q.takeDue(1000)?.timeUs, q.takeDue(1000)?.timeUs, q.takeDue(1000)]).toEqual([4, 5, undefined]);
  });

  it('finds the hop mapped with the worst rate uncertainty, an unmapped one first of all', () => {
    const hops = { points: [1, 2, 3], agentIds: ['gw', 'rig', 'csp'], times: [10, 20, 30] };

    expect(worstMappedHop({ ...hops, mapped: { us: [10, 20, 30], uncertaintyUs: [5, 5, 5], rateUncertainty: [2e-6, 30e-6, 4e-6] } })).toBe(1);
    expect(worstMappedHop(hops)).toBe(0);
  });
});
