import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHeaderScanner, type HeaderScan } from '../../../tap/duis-header.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/duis/${name}`, import.meta.url));

/** Feeds `bytes` in chunks of `chunk` bytes, as a socket would, and returns the outcome. */
function scan(bytes: Buffer, chunk = bytes.length, maxBytes = 16 * 1024): HeaderScan {
  const scanner = createHeaderScanner(maxBytes);
  for (let i = 0; i < bytes.length; i += chunk) {
    const out = scanner.write(bytes.subarray(i, i + chunk));
    if (out) return out;
  }
  return scanner.end();
}

const KEY_1 = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000001';

describe('DUIS header scanner', () => {
  it('reads a Service Request\'s RequestID and ServiceReferenceVariant from its Header', () => {
    expect(scan(fixture('request-4.8.1.xml'))).toEqual({ header: { kind: 'request', requestId: KEY_1, srv: '4.8.1' } });
  });

  it('reads a Service Request written on one line', () => {
    expect(scan(fixture('request-2.2.xml'))).toEqual({ header: { kind: 'request', requestId: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000002', srv: '2.2' } });
  });

  it('reads an I99 acknowledgement\'s RequestID and response code', () => {
    expect(scan(fixture('ack-I99.xml'))).toEqual({ header: { kind: 'response', requestId: KEY_1, responseCode: 'I99' } });
  });

  it('reads a Service Response\'s codes and ids, and its SRV from the ResponseMessage', () => {
    expect(scan(fixture('response-I0.xml'))).toEqual({
      header: {
        kind: 'response', requestId: KEY_1, responseId: '00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1795000000001',
        responseCode: 'I0', srv: '4.8.1',
      },
    });
  });

  it('reads E20 and E21 error responses, with or without namespace prefixes', () => {
    expect(scan(fixture('response-E20.xml'))).toMatchObject({ header: { responseCode: 'E20', srv: '2.2' } });
    expect(scan(fixture('response-E21.xml'))).toMatchObject({ header: { responseCode: 'E21', srv: '4.1.1', requestId: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-B7:1795000000003' } });
  });

  it('reads a device alert\'s ResponseID and AlertCode', () => {
    expect(scan(fixture('alert-device-8F72.xml'))).toEqual({
      header: { kind: 'response', responseId: '00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1795000123456', responseCode: 'I0', alertCode: '8F72', alertKind: 'device' },
    });
  });

  it('reads a DCC alert\'s code and ignores RequestIDs nested in the alert body', () => {
    const out = scan(fixture('alert-dcc-N12.xml'));
    expect(out).toMatchObject({ header: { alertCode: 'N12', alertKind: 'dcc', responseId: '00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:1795000200000' } });
    expect(out).not.toHaveProperty('header.requestId');
  });

  it.each([1, 7, 64])('gives the same answer when the message arrives in %i-byte chunks', (size) => {
    for (const name of ['request-4.8.1.xml', 'response-I0.xml', 'alert-dcc-N12.xml']) {
      expect(scan(fixture(name), size)).toEqual(scan(fixture(name)));
    }
  });

  it('decodes a multi-byte character split across chunks', () => {
    const xml = Buffer.from(`<Request><!-- Zählerstand ✓ --><Header><RequestID>${KEY_1}</RequestID><ServiceReferenceVariant>4.8.1</ServiceReferenceVariant></Header></Request>`);
    expect(scan(xml, 1)).toEqual({ header: { kind: 'request', requestId: KEY_1, srv: '4.8.1' } });
  });

  it('stops at the header of a huge body and reads no further', () => {
    const head = `<sr:Request xmlns:sr="x"><sr:Header><sr:RequestID>${KEY_1}</sr:RequestID><sr:ServiceReferenceVariant>11.1</sr:ServiceReferenceVariant></sr:Header><sr:Body><sr:Image>`;
    const scanner = createHeaderScanner(4096);
    expect(scanner.write(Buffer.from(head))).toEqual({ header: { kind: 'request', requestId: KEY_1, srv: '11.1' } });
    // Garbage after the header is never parsed: the outcome is already settled.
    expect(scanner.write(Buffer.alloc(8 * 1024 * 1024, 0x3c))).toEqual({ header: { kind: 'request', requestId: KEY_1, srv: '11.1' } });
  });

  it('gives up when no header is complete within the byte bound', () => {
    const padding = `<!--${'x'.repeat(20_000)}-->`;
    const xml = Buffer.from(`<Request>${padding}<Header><RequestID>${KEY_1}</RequestID><ServiceReferenceVariant>4.8.1</ServiceReferenceVariant></Header></Request>`);
    expect(scan(xml, 1000, 8192)).toEqual({ problem: 'no complete DUIS Header in the first 8192 bytes' });
  });

  it('keeps a response whose Header is complete when the bound cuts into its Body', () => {
    const xml = Buffer.from(`<Response><Header><RequestID>${KEY_1}</RequestID><ResponseCode>I0</ResponseCode></Header><Body><ResponseMessage><ServiceReference>${'4'.repeat(400)}`);
    expect(scan(xml, xml.length, 300)).toEqual({ header: { kind: 'response', requestId: KEY_1, responseCode: 'I0' } });
  });

  it('reports a message truncated inside its header', () => {
    const bytes = fixture('request-4.8.1.xml');
    expect(scan(bytes.subarray(0, 200))).toEqual({ problem: 'no complete DUIS Header before the message ended' });
  });

  it.each([
    ['an empty body', '', 'an empty body'],
    ['JSON', '{"key":"value"}', 'not well-formed XML'],
    ['binary garbage', '\u0000\u0001\u0002\u00ff', 'not well-formed XML'],
    ['another XML document', '<Envelope><Header/></Envelope>', 'root element "Envelope" is not a DUIS Request or Response'],
    ['a request without its SRV', `<Request><Header><RequestID>${KEY_1}</RequestID></Header></Request>`, 'a DUIS Request without Header/ServiceReferenceVariant'],
    ['a response without a code', `<Response><Header><RequestID>${KEY_1}</RequestID></Header></Response>`, 'a DUIS Response without Header/ResponseCode'],
    ['a response without any id', '<Response><Header><ResponseCode>I0</ResponseCode></Header></Response>', 'a DUIS Response without Header/RequestID or Header/ResponseID'],
    ['an overlong RequestID', `<Request><Header><RequestID>${'1'.repeat(500)}</RequestID></Header></Request>`, 'requestId is longer than 128 characters'],
  ])('reports %s as a problem, never throwing', (_what, xml, problem) => {
    const out = scan(Buffer.from(xml), 3);
    expect(out).toHaveProperty('problem');
    expect((out as { problem: string }).problem).toContain(problem);
  });
});
