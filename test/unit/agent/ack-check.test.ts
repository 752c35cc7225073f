import { describe, expect, it } from 'vitest';
import { batchAckMac, deriveAckKey } from '../../../common/ack-signature.js';
import { createAckCheck } from '../../../agent/ack-check.js';
import { silentLogger } from '../../../common/logger.js';
import { AckStatus, WireBatchAck } from '../../../proto/wire.js';

const AGENT = 'gw-1';
const STREAM = 4242;
const KEY = deriveAckKey('the agent secret');
const inFlight = (...seqs: number[]) => (seq: number) => seqs.includes(seq);

function ack(seq: number, status: number, mac?: Uint8Array, streamId = STREAM, reason = ''): Buffer {
  return Buffer.from(WireBatchAck.encode({ streamId, seq, status, reason, mac }).finish());
}
const signed = (seq: number, status: number, key: Uint8Array = KEY, reason = '') => ack(seq, status, batchAckMac(key, AGENT, STREAM, seq, status, reason), STREAM, reason);

function check(ackKey: Uint8Array | undefined) {
  return createAckCheck({ agentId: AGENT, streamId: STREAM, ackKey, logger: silentLogger, logIntervalMs: 60_000 });
}

describe('ack check', () => {
  it('accepts a signed ack for a batch in flight, with its status and reason', () => {
    const c = check(KEY);
    expect(c.check(signed(3, AckStatus.REJECTED, KEY, 'HW_COLLECTOR_BAD_TIME'), inFlight(3))).toMatchObject({ seq: 3, status: AckStatus.REJECTED, reason: 'HW_COLLECTOR_BAD_TIME' });
    expect(Object.values(c.counters()).every((n) => n === 0)).toBe(true);
  });

  it.each([AckStatus.STORED, AckStatus.DUPLICATE, AckStatus.REJECTED])('ignores an unsigned ack (status %i) for a batch in flight when the agent has a secret', (status) => {
    const c = check(KEY);
    expect(c.check(ack(3, status), inFlight(3))).toBeUndefined();
    expect(c.counters().unsigned).toBe(1);
  });

  it('ignores an ack signed with another key, or for another status or reason than it was signed for', () => {
    const c = check(KEY);
    expect(c.check(signed(3, AckStatus.STORED, deriveAckKey('guessed')), inFlight(3))).toBeUndefined();
    expect(c.check(ack(3, AckStatus.REJECTED, batchAckMac(KEY, AGENT, STREAM, 3, AckStatus.STORED, '')), inFlight(3))).toBeUndefined();
    expect(c.check(ack(3, AckStatus.REJECTED, batchAckMac(KEY, AGENT, STREAM, 3, AckStatus.REJECTED, 'X'), STREAM, 'Y'), inFlight(3))).toBeUndefined();
    expect(c.check(ack(3, AckStatus.STORED, batchAckMac(KEY, 'other-agent', STREAM, 3, AckStatus.STORED, '')), inFlight(3))).toBeUndefined();
    expect(c.counters().badMac).toBe(4);
  });

  it('ignores a correctly signed ack for a batch not in flight', () => {
    const c = check(KEY);
    expect(c.check(signed(9, AckStatus.STORED), inFlight(3))).toBeUndefined();
    expect(c.counters().notInFlight).toBe(1);
  });

  it('ignores an ack for another stream and a payload that is not an ack', () => {
    const c = check(KEY);
    expect(c.check(ack(3, AckStatus.STORED, undefined, STREAM + 1), inFlight(3))).toBeUndefined();
    expect(c.check(Buffer.from([0xff, 0xff, 0xff]), inFlight(3))).toBeUndefined();
    expect(c.check(ack(3, AckStatus.STATUS_UNSPECIFIED, batchAckMac(KEY, AGENT, STREAM, 3, 0, '')), inFlight(3))).toBeUndefined();
    expect(c.counters()).toMatchObject({ unknownStream: 1, undecodable: 2 });
  });

  it('without a secret accepts an unsigned ack only for a batch in flight', () => {
    const c = check(undefined);
    expect(c.check(ack(3, AckStatus.STORED), inFlight(3))).toMatchObject({ seq: 3 });
    expect(c.check(ack(4, AckStatus.STORED), inFlight(3))).toBeUndefined();
    expect(c.counters().notInFlight).toBe(1);
  });
});
