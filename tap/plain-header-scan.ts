// The fast path of the DUIS header scan (tap/duis-header.ts): a message's first chunk read byte by
// byte, building no string but the fields' text, when the message has the plain shape DUIS
// messages have in practice: ASCII, an XML declaration or none, elements with quoted attributes,
// and text without entities, comments, CDATA or processing instructions. Anything else, and any
// outcome other than a header read whole, gives up (undefined), and the streaming XML parser reads
// the message from its start instead: the fast path only ever agrees with it. It spares the proxy
// thread the parser's cost (`tap_scan_us_per_message` in `npm run bench -- --only tap`) on every
// exchange: 5 to 7 µs and about 8 KB of garbage per message with the parser alone.
import { createHeaderWalker, Name, MAX_FIELD_CHARS, type HeaderScan, type HeaderWalker } from './duis-header-walker.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const AMP = 0x26;
const EQ = 0x3d;
const COLON = 0x3a;
const QUOTE = 0x22;
const APOS = 0x27;
const BRACKET = 0x5d;

/** Elements open at once that the fast path follows; deeper gives up (DUIS headers sit at depth 4 at most). */
const MAX_DEPTH = 32;
/** Attributes on one element the fast path checks for duplicates; more gives up. */
const MAX_ATTRIBUTES = 8;

/** The XML declarations the fast path takes as they are (UTF-8 or none, standalone or not); any other is left to the parser, which checks it. */
const DECLARATIONS = ['"', '\''].flatMap((q) => ['', ` encoding=${q}UTF-8${q}`, ` encoding=${q}utf-8${q}`].flatMap((encoding) =>
  ['', ` standalone=${q}no${q}`, ` standalone=${q}yes${q}`].map((standalone) => Buffer.from(`<?xml version=${q}1.0${q}${encoding}${standalone}?>`, 'latin1'))));

/** The walker's names as bytes, to number an element's local name without building a string. */
const NAME_BYTES = Object.entries(Name).filter(([, id]) => id !== Name.OTHER).map(([n, id]) => ({ bytes: Buffer.from(n, 'latin1'), id }));

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === COLON;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
/** Text the fast path passes over: ASCII but for control characters, without entities or "]]>". */
const isPlainText = (c: number) => c >= 0x20 && c < 0x80 && c !== AMP && c !== BRACKET;

// Scratch space for one scan at a time (a scan runs to its end without yielding): where each open
// element's name starts and ends, and an element's attribute names.
const openNames = new Int32Array(2 * MAX_DEPTH);
const attributeNames = new Int32Array(2 * MAX_ATTRIBUTES);

function sameBytes(b: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (b[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** Whether `b` holds `want` at `at` (a loop: Buffer.compare is a call into C++, dearer for a few bytes). */
function holds(b: Buffer, at: number, want: Buffer): boolean {
  for (let i = 0; i < want.length; i++) if (b[at + i] !== want[i]) return false;
  return true;
}

/** The walker's number for the local name (after the first colon) of the name at start..end. */
function nameId(b: Buffer, start: number, end: number): number {
  let local = start;
  while (local < end && b[local] !== COLON) local++;
  local = local < end ? local + 1 : start;
  const length = end - local;
  for (const { bytes, id } of NAME_BYTES) {
    if (bytes.length === length && holds(b, local, bytes)) return id;
  }
  return Name.OTHER;
}

/** The end of the name starting at `i`, or -1 if none starts there. */
function nameEnd(b: Buffer, i: number, end: number): number {
  if (i >= end || !isNameStart(b[i]!)) return -1;
  let j = i + 1;
  while (j < end && isNameChar(b[j]!)) j++;
  return j;
}

/** Past the declaration at the start of `b`, if it is one the fast path takes; -1 otherwise. */
function pastDeclaration(b: Buffer, end: number): number {
  for (const d of DECLARATIONS) if (d.length <= end && holds(b, 0, d)) return d.length;
  return -1;
}

/**
 * Reads a start tag's attributes from `i` (just past its name) to its `>`; returns where the tag
 * ends (past `>`, negative past `/>` for an empty element), or 0 to give up.
 */
function pastAttributes(b: Buffer, i: number, end: number): number {
  let count = 0;
  for (;;) {
    const spaced = i < end && isSpace(b[i]!);
    while (i < end && isSpace(b[i]!)) i++;
    if (i >= end) return 0;
    if (b[i] === GT) return i + 1;
    if (b[i] === SLASH) return i + 1 < end && b[i + 1] === GT ? -(i + 2) : 0;
    const after = nameEnd(b, i, end);
    if (!spaced || after < 0 || count === MAX_ATTRIBUTES) return 0;
    for (let a = 0; a < count; a++) if (sameBytes(b, attributeNames[2 * a]!, attributeNames[2 * a + 1]!, i, after)) return 0;
    attributeNames[2 * count] = i;
    attributeNames[2 * count + 1] = after;
    count++;
    i = after;
    while (i < end && isSpace(b[i]!)) i++;
    if (i >= end || b[i] !== EQ) return 0;
    i++;
    while (i < end && isSpace(b[i]!)) i++;
    const quote = i < end ? b[i] : undefined;
    if (quote !== QUOTE && quote !== APOS) return 0;
    for (i++; i < end && b[i] !== quote; i++) {
      const c = b[i]!;
      if (c === LT || c === AMP || c >= 0x80 || (c < 0x20 && !isSpace(c))) return 0;
    }
    if (i >= end) return 0;
    i++;
  }
}

/** Feeds the text at start..end to the walker when it wants it (trimmed as the parser's text would be once joined); false to give up. */
function passText(b: Buffer, start: number, end: number, walker: HeaderWalker, depth: number): boolean {
  for (let i = start; i < end; i++) if (!isPlainText(b[i]!) && !isSpace(b[i]!)) return false;
  if (depth === 0) {
    // Outside the root only white space is well-formed.
    for (let i = start; i < end; i++) if (!isSpace(b[i]!)) return false;
    return true;
  }
  if (walker.collecting && end > start) {
    if (end - start > MAX_FIELD_CHARS) return false;
    walker.text(b.toString('latin1', start, end));
  }
  return true;
}

/**
 * The outcome of the first `end` bytes of `b` when they hold a whole header of the plain shape,
 * read without error; undefined otherwise (the parser must read the message).
 */
export function scanPlainHeader(b: Buffer, end: number): HeaderScan | undefined {
  const walker = createHeaderWalker();
  let i = 0;
  if (end >= 2 && b[0] === LT && b[1] === QUESTION) {
    i = pastDeclaration(b, end);
    if (i < 0) return undefined;
  }
  let depth = 0;
  while (i < end) {
    let lt = i;
    while (lt < end && b[lt] !== LT) lt++;
    if (!passText(b, i, lt, walker, depth) || lt >= end) return undefined;
    i = lt + 1;
    if (b[i] === SLASH) {
      const after = nameEnd(b, i + 1, end);
      if (after < 0 || depth === 0 || !sameBytes(b, openNames[2 * (depth - 1)]!, openNames[2 * (depth - 1) + 1]!, i + 1, after)) return undefined;
      i = after;
      while (i < end && isSpace(b[i]!)) i++;
      if (i >= end || b[i] !== GT) return undefined;
      i++;
      depth--;
      walker.close();
    } else {
      const after = nameEnd(b, i, end);
      // A comment, CDATA, a processing instruction or an element inside a field's text: the parser's to read.
      if (after < 0 || depth === MAX_DEPTH || walker.collecting) return undefined;
      const id = nameId(b, i, after);
      if (depth === 0 && id !== Name.Request && id !== Name.Response) return undefined;
      const tagEnd = pastAttributes(b, after, end);
      if (tagEnd === 0) return undefined;
      walker.open(id, '');
      if (tagEnd < 0) {
        walker.close();
        i = -tagEnd;
      } else {
        openNames[2 * depth] = i;
        openNames[2 * depth + 1] = after;
        depth++;
        i = tagEnd;
      }
    }
    const outcome = walker.outcome;
    if (outcome) return 'header' in outcome ? outcome : undefined;
  }
  return undefined;
}
