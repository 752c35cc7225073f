import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHeaderScanner, type HeaderScan } from '../../../tap/duis-header.js';
import { scanPlainHeader } from '../../../tap/plain-header-scan.js';

const FIXTURES = new URL('../../fixtures/duis/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** What the streaming parser alone makes of `bytes`: fed one byte at a time, the byte scan never sees a whole header. */
function parsed(bytes: Buffer): HeaderScan {
  const scanner = createHeaderScanner(16 * 1024);
  for (let i = 0; i < bytes.length; i++) {
    const out = scanner.write(bytes.subarray(i, i + 1));
    if (out) return out;
  }
  return scanner.end();
}

const plain = (xml: string) => scanPlainHeader(Buffer.from(xml, 'latin1'), Buffer.byteLength(xml, 'latin1'));

const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000001';
const REQUEST = `<sr:Request xmlns:sr="x" schemaVersion="5.1"><sr:Header><sr:RequestID>${KEY}</sr:RequestID><sr:ServiceReferenceVariant>4.8.1</sr:ServiceReferenceVariant></sr:Header></sr:Request>`;

describe('byte scan of a plain DUIS header', () => {
  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.xml')))('reads %s itself, as the streaming parser does', (name) => {
    const bytes = fixture(name);
    const out = scanPlainHeader(bytes, bytes.length);

    expect(out).toBeDefined();
    expect(out).toEqual(parsed(bytes));
  });

  it('reads no further than the bytes it is given', () => {
    const bytes = Buffer.from(REQUEST);

    expect(scanPlainHeader(bytes, REQUEST.indexOf('</sr:Header>'))).toBeUndefined();
    expect(scanPlainHeader(bytes, REQUEST.indexOf('</sr:Header>') + '</sr:Header>'.length)).toMatchObject({ header: { requestId: KEY, srv: '4.8.1' } });
  });

  it('never reads a byte past the bound, even where the rest of the chunk would finish a tag', () => {
    const bytes = Buffer.from(REQUEST);
    const closing = REQUEST.indexOf('</sr:Header>') + '</sr:Header'.length;

    expect(scanPlainHeader(bytes, closing)).toBeUndefined();
    expect(scanPlainHeader(bytes, REQUEST.indexOf('"x"'))).toBeUndefined();
  });

  it('reads empty elements, white space inside tags and single-quoted attributes', () => {
    const xml = `<?xml version='1.0'?>\n<Request a='1' b="2" ><Header ><Empty/><RequestID> ${KEY} </RequestID ><ServiceReferenceVariant>4.8.1</ServiceReferenceVariant></Header></Request>`;

    expect(plain(xml)).toEqual({ header: { kind: 'request', requestId: KEY, srv: '4.8.1' } });
    expect(plain(xml)).toEqual(parsed(Buffer.from(xml)));
  });

  it.each([
    ['a comment', REQUEST.replace('<sr:Header>', '<sr:Header><!-- c -->')],
    ['CDATA', REQUEST.replace(KEY, `<![CDATA[${KEY}]]>`)],
    ['an entity', REQUEST.replace('4.8.1', '4.8&#46;1')],
    ['a processing instruction', REQUEST.replace('<sr:Header>', '<sr:Header><?pi x?>')],
    ['a byte outside ASCII', REQUEST.replace('schemaVersion="5.1"', 'schemaVersion="5.1" note="Zähler"')],
    ['an XML declaration it does not know', `<?xml version="1.1"?>${REQUEST}`],
    ['white space before the declaration', ` <?xml version="1.0"?>${REQUEST}`],
    ['a mismatched end tag', REQUEST.replace('</sr:RequestID>', '</sr:RequestId>')],
    ['a duplicate attribute', REQUEST.replace('schemaVersion="5.1"', 'schemaVersion="5.1" schemaVersion="5.1"')],
    ['attributes not apart', REQUEST.replace('xmlns:sr="x" ', 'xmlns:sr="x"')],
    ['an unquoted attribute', REQUEST.replace('"5.1"', '5.1')],
    ['"<" in an attribute', REQUEST.replace('"5.1"', '"5<1"')],
    ['an element inside a field', REQUEST.replace(KEY, `<b>${KEY}</b>`)],
    ['text outside the root', `x${REQUEST}`],
    ['a control character', REQUEST.replace('4.8.1', '4.8\u00011')],
    ['"]]>" in text', REQUEST.replace('4.8.1', '4.8.1]]>')],
    ['another root element', '<Envelope><Header/></Envelope>'],
    ['a request without its SRV', `<Request><Header><RequestID>${KEY}</RequestID></Header></Request>`],
    ['an overlong RequestID', `<Request><Header><RequestID>${'1'.repeat(500)}</RequestID></Header></Request>`],
  ])('leaves %s to the streaming parser', (_what, xml) => {
    expect(plain(xml)).toBeUndefined();
  });

  it.each([
    ['a mismatched end tag', REQUEST.replace('</sr:RequestID>', '</sr:RequestId>')],
    ['a duplicate attribute', REQUEST.replace('schemaVersion="5.1"', 'schemaVersion="5.1" schemaVersion="5.1"')],
    ['an entity in a field', REQUEST.replace('4.8.1', '4.8&#46;1')],
    ['a comment in the header', REQUEST.replace('<sr:Header>', '<sr:Header><!-- c -->')],
  ])('gives, through the scanner, the streaming parser\'s outcome for %s', (_what, xml) => {
    const bytes = Buffer.from(xml);
    const scanner = createHeaderScanner(16 * 1024);

    expect(scanner.write(bytes) ?? scanner.end()).toEqual(parsed(bytes));
  });
});
