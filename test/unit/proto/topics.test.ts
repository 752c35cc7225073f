import { describe, expect, it } from 'vitest';
import { withPartition } from '../../../proto/batch-partition.js';
import { checkChecksum } from '../../../proto/batch-checksum.js';
import { decodeClusterInfo, encodeClusterInfo } from '../../../proto/cluster-info.js';
import { agentIdOf, hopsTopicOf, legacyHopsAgentOf, legacyTopics, topics } from '../../../proto/topics.js';
import { WireBatch } from '../../../proto/wire.js';
import { encodeTestBatch, keyText, T0_US } from '../../helpers/batches.js';

describe('topics, version 2', () => {
  it('names a hops topic per agent and partition, and reads both back', () => {
    expect(topics.hops('gw-1', 17)).toBe('hopwatch/v2/gw-1/hops/17');
    expect(hopsTopicOf('hopwatch/v2/gw-1/hops/17')).toEqual({ agentId: 'gw-1', partition: 17 });
    expect(hopsTopicOf(topics.hops('a.b_c', 0))).toEqual({ agentId: 'a.b_c', partition: 0 });
  });

  it('reads no agent or partition from a malformed hops topic', () => {
    for (const topic of [
      'hopwatch/v2/gw/hops', 'hopwatch/v2/gw/hops/', 'hopwatch/v2/gw/hops/01', 'hopwatch/v2/gw/hops/-1', 'hopwatch/v2/gw/hops/4096',
      'hopwatch/v2/gw/hops/1/2', 'hopwatch/v2/g+w/hops/1', 'hopwatch/v2//hops/1', 'hopwatch/v1/gw/hops/1', 'hopwatch/v2/gw/hops/x', 'hopwatch/v2/gw/status',
    ]) expect(hopsTopicOf(topic), topic).toBeUndefined();
  });

  it('moves the other per-agent topics to v2 and reads their agent back', () => {
    expect([topics.ack('gw'), topics.status('gw'), topics.timeRequest('gw'), topics.timeResponse('gw'), topics.timeSample('gw')]).toEqual([
      'hopwatch/v2/gw/ack', 'hopwatch/v2/gw/status', 'hopwatch/v2/gw/time/req', 'hopwatch/v2/gw/time/resp', 'hopwatch/v2/gw/time/sample',
    ]);
    expect(agentIdOf('hopwatch/v2/gw/status', 'status')).toBe('gw');
    expect(agentIdOf('hopwatch/v1/gw/status', 'status')).toBeUndefined();
  });

  it('subscribes to one partition of every agent, or to all', () => {
    expect(topics.partitionHops(5)).toBe('hopwatch/v2/+/hops/5');
    expect(topics.allHops).toBe('hopwatch/v2/+/hops/+');
  });

  it('keeps version 1\'s hops topic for batches buffered before the upgrade', () => {
    expect(legacyTopics.hops('gw')).toBe('hopwatch/v1/gw/hops');
    expect(legacyHopsAgentOf('hopwatch/v1/gw/hops')).toBe('gw');
    expect(legacyHopsAgentOf('hopwatch/v2/gw/hops/0')).toBeUndefined();
  });
});

describe('Batch.partition', () => {
  it('is added to an encoded batch with a checksum that holds, and decodes as written', () => {
    const bytes = encodeTestBatch('gw', 1, [{ key: keyText(1), point: 'UG_IN', timeUs: T0_US }]);
    for (const partition of [0, 1, 127, 128, 4095]) {
      const out = withPartition(bytes, partition);
      const checked = checkChecksum(out);
      expect(checked.ok).toBe(true);
      expect(WireBatch.decode(checked.ok ? checked.body : out)).toMatchObject({ partition, agentId: 'gw', streamId: 1 });
    }
  });
});

describe('cluster info', () => {
  it('round-trips the partition count', () => {
    expect(decodeClusterInfo(encodeClusterInfo({ partitions: 32 }))).toEqual({ partitions: 32 });
  });

  it('ignores a payload that is not a valid announcement', () => {
    for (const text of ['', 'x', 'null', '[]', '{}', '{"partitions":0}', '{"partitions":4097}', '{"partitions":1.5}', '{"partitions":"64"}']) {
      expect(decodeClusterInfo(Buffer.from(text)), text).toBeUndefined();
    }
  });
});
