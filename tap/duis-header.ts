// Reads the few DUIS header fields the tap stamps from the start of a message, as its chunks
// pass, with a streaming XML parser (saxes): nothing but the fields' text is kept, and reading
// stops once they are known or after `maxBytes`, however large the body is. A message of the plain
// shape whose header is whole in its first chunk, as nearly every DUIS message is, is read by a
// byte scan instead (tap/plain-header-scan.ts), which agrees with the parser or leaves it to it.
// What the fields mean: tap/duis-header-walker.ts.
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { createHeaderWalker, Name, type HeaderScan, type HeaderWalker } from './duis-header-walker.js';
import { scanPlainHeader } from './plain-header-scan.js';

export type { DuisHeader, HeaderScan } from './duis-header-walker.js';

export interface HeaderScanner {
  /** Feeds the next chunk; returns the outcome once it is known, else undefined. */
  write(chunk: Buffer): HeaderScan | undefined;
  /** The message ended: the outcome from what was read. */
  end(): HeaderScan;
}

const NAME_IDS = new Map<string, number>(Object.entries(Name).filter(([, id]) => id !== Name.OTHER));

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

/** The streaming parser, feeding the walker; built only for a message the byte scan leaves to it. */
function parse(walker: HeaderWalker): (text: string) => void {
  const parser = new SaxesParser({ position: false });
  parser.on('opentag', (tag) => walker.open(NAME_IDS.get(localName(tag.name)) ?? Name.OTHER, tag.name));
  parser.on('text', (t) => walker.text(t));
  parser.on('closetag', () => walker.close());
  parser.on('error', (err) => {
    walker.fail(`not well-formed XML: ${err.message}`);
  });
  return (text) => {
    try {
      parser.write(text);
    } catch (err) {
      // saxes reports through the error handler; a throw here is a parser state it cannot continue from.
      walker.fail(`not well-formed XML: ${(err as Error).message}`);
    }
  };
}

export function createHeaderScanner(maxBytes: number): HeaderScanner {
  let outcome: HeaderScan | undefined;
  let walker: HeaderWalker | undefined;
  let feed: ((text: string) => void) | undefined;
  let decoder: StringDecoder | undefined;
  let bytes = 0;

  return {
    write(chunk) {
      if (outcome) return outcome;
      const room = maxBytes - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (bytes === 0 && part.length > 0) {
        outcome = scanPlainHeader(part, part.length);
        if (outcome) return outcome;
      }
      bytes += part.length;
      walker ??= createHeaderWalker();
      decoder ??= new StringDecoder('utf8');
      feed ??= parse(walker);
      feed(decoder.write(part));
      if (!walker.outcome && bytes >= maxBytes) walker.cutShort(`in the first ${maxBytes} bytes`, false);
      outcome = walker.outcome;
      return outcome;
    },
    end() {
      outcome ??= (walker ?? createHeaderWalker()).cutShort('before the message ended', bytes === 0);
      return outcome;
    },
  };
}
