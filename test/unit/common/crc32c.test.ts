import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../common/crc32c.js';

/** One bit at a time, straight from the definition, to check the table-driven version against. */
function bitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('gives the published check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('gives the RFC 3720 B.4 values for 32 zero bytes and 32 0xFF bytes', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the bit-by-bit definition for every length from 0 to 40 and at odd offsets', () => {
    const data = randomBytes(64);
    for (let start = 0; start < 3; start++) {
      for (let n = 0; n <= 40; n++) {
        const view = data.subarray(start, start + n);
        expect(crc32c(view)).toBe(bitwise(view));
      }
    }
  });
});
