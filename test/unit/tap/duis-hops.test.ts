import { describe, expect, it } from 'vitest';
import { deliveryHop, serviceRequestHop, synchronousAnswerHop } from '../../../tap/duis-hops.js';
import { HopPoint } from '../../../proto/hop-point.js';

const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000001';
const ALERT_KEY = '00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1795000123456';

describe('DUIS messages as hops', () => {
  it('stamps a Service Request as UG_IN with its SRV', () => {
    const hop = serviceRequestHop({ kind: 'request', requestId: KEY, srv: '4.8.1' });
    expect(hop).toMatchObject({ point: HopPoint.UG_IN, context: { srv: '4.8.1' } });
    expect('key' in hop && hop.key.toString()).toBe(KEY);
  });

  it('stamps the I99 acknowledgement as UG_ACK and a synchronous final answer as UG_OUT', () => {
    expect(synchronousAnswerHop({ kind: 'response', requestId: KEY, responseCode: 'I99' }, undefined)).toMatchObject({ point: HopPoint.UG_ACK, context: { code: 'I99' } });
    expect(synchronousAnswerHop({ kind: 'response', requestId: KEY, responseCode: 'E3' }, undefined)).toMatchObject({ point: HopPoint.UG_OUT, context: { code: 'E3' } });
  });

  it('keys a synchronous answer without a RequestID by its request', () => {
    const hop = synchronousAnswerHop({ kind: 'response', responseId: ALERT_KEY, responseCode: 'E4' }, KEY);
    expect('key' in hop && hop.key.toString()).toBe(KEY);
  });

  it('stamps a delivered Service Response as UG_OUT with its code', () => {
    expect(deliveryHop({ kind: 'response', requestId: KEY, responseId: ALERT_KEY, responseCode: 'E20', srv: '2.2' })).toMatchObject({ point: HopPoint.UG_OUT, context: { code: 'E20', srv: '2.2' } });
  });

  it('stamps a delivered alert as ALERT_UG_OUT keyed by its ResponseID, with the alert code as its SRV', () => {
    const device = deliveryHop({ kind: 'response', responseId: ALERT_KEY, responseCode: 'I0', alertCode: '8f72', alertKind: 'device' });
    expect(device).toMatchObject({ point: HopPoint.ALERT_UG_OUT, context: { srv: '0x8F72' } });
    expect('key' in device && device.key.toString()).toBe(ALERT_KEY);
    expect(deliveryHop({ kind: 'response', responseId: ALERT_KEY, responseCode: 'I0', alertCode: 'N12', alertKind: 'dcc' })).toMatchObject({ context: { srv: 'N12' } });
  });

  it('shares one context object between hops with the same SRV and code', () => {
    const a = serviceRequestHop({ kind: 'request', requestId: KEY, srv: '6.15.1' });
    const b = serviceRequestHop({ kind: 'request', requestId: KEY, srv: '6.15.1' });
    expect('context' in a && 'context' in b && a.context === b.context).toBe(true);
  });

  it('refuses a malformed RequestID with a reason', () => {
    expect(serviceRequestHop({ kind: 'request', requestId: 'not-a-key', srv: '4.8.1' })).toMatchObject({ reason: 'bad-key' });
    expect(deliveryHop({ kind: 'response', responseId: ALERT_KEY, responseCode: 'I0' })).toMatchObject({ reason: 'bad-key', problem: 'no RequestID to key the hop by' });
  });

  it('refuses a message of the wrong kind for its leg', () => {
    expect(serviceRequestHop({ kind: 'response', requestId: KEY, responseCode: 'I0' })).toMatchObject({ reason: 'unexpected-message' });
    expect(deliveryHop({ kind: 'request', requestId: KEY, srv: '4.8.1' })).toMatchObject({ reason: 'unexpected-message' });
  });

  it('stamps with a SRV the wire cannot carry left out, and says so', () => {
    const hop = serviceRequestHop({ kind: 'request', requestId: KEY, srv: 'CS01a' });
    expect(hop).toMatchObject({ point: HopPoint.UG_IN, droppedField: 'srv "CS01a"' });
    expect(hop).not.toHaveProperty('context');
  });
});
