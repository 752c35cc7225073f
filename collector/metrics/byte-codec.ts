// Compact binary columns for rollup blobs: unsigned and zigzag varints (integers up to 2^53)
// for counts and sums, raw bytes for arrays of values (copied in bulk when read), and sections
// behind a 4-byte length so that a reader can skip what it does not need.

export class ByteWriter {
  private buf = new Uint8Array(1024);
  private data = new DataView(this.buf.buffer);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.data = new DataView(next.buffer);
  }

  /** A non-negative integer below 2^53. */
  uint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** Any integer of magnitude below 2^52 (zigzag). */
  int(v: number): void {
    this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  f64(v: number): void {
    this.room(8);
    this.data.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  u32(v: number): void {
    this.room(4);
    this.data.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a section whose byte length is written in front of it (4 bytes), so a reader can skip it. */
  beginSection(): number {
    this.u32(0);
    return this.pos;
  }

  endSection(start: number): void {
    this.data.setUint32(start - 4, this.pos - start, true);
  }

  /** Starts over, keeping the buffer (one writer encodes many rows). */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written. */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

export class ByteReader {
  private pos = 0;
  private readonly view: DataView;
  private readonly buf: Uint8Array;

  constructor(data: Uint8Array) {
    // A plain view: slicing a Node Buffer costs several times more than slicing a Uint8Array.
    this.buf = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  uint(): number {
    let b = this.buf[this.pos++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    do {
      b = this.buf[this.pos++]!;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b >= 0x80);
    return v;
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(bytes: number): void {
    this.pos += bytes;
  }

  /** The next `n` bytes, as a view. */
  take(n: number): Uint8Array {
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }
}
