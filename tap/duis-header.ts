// Reads the few DUIS header fields the tap stamps from the start of a message, as its chunks
// pass, with a streaming XML parser (saxes): nothing but the fields' text is kept, and reading
// stops once they are known or after `maxBytes`, however large the body is.
//
// Shapes, from the DUIS XML schema (element names without their namespace prefix):
//   Request  > Header > RequestID, CommandVariant, ServiceReference, ServiceReferenceVariant
//   Response > Header > RequestID?, ResponseID?, ResponseCode, ResponseDateTime
//   Response > Body > ResponseMessage > ServiceReference, ServiceReferenceVariant
//   Response > Body > DeviceAlertMessage > AlertCode          (a device alert)
//   Response > Body > DCCAlertMessage > DCCAlertCode          (a DCC alert)
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

export interface DuisHeader {
  readonly kind: 'request' | 'response';
  /** `originator:target:counter` as written in the message. */
  readonly requestId?: string;
  /** A response's own id; a device alert carries only this one (device:User:counter). */
  readonly responseId?: string;
  /** ServiceReferenceVariant: in a request's header, in a response's ResponseMessage. */
  readonly srv?: string;
  readonly responseCode?: string;
  /** A device alert's AlertCode (hex as written, e.g. "8F72") or a DCC alert's DCCAlertCode ("N12"). */
  readonly alertCode?: string;
  readonly alertKind?: 'device' | 'dcc';
}

export type HeaderScan = { readonly header: DuisHeader } | { readonly problem: string };

export interface HeaderScanner {
  /** Feeds the next chunk; returns the outcome once it is known, else undefined. */
  write(chunk: Buffer): HeaderScan | undefined;
  /** The message ended: the outcome from what was read. */
  end(): HeaderScan;
}

/** Longest field text kept; a RequestID with a 20-digit counter is 68 characters. */
const MAX_FIELD_CHARS = 128;

type Field = 'requestId' | 'responseId' | 'srv' | 'responseCode' | 'alertCode';

const HEADER_FIELDS: Readonly<Record<string, Field>> = {
  RequestID: 'requestId', ResponseID: 'responseId', ServiceReferenceVariant: 'srv', ResponseCode: 'responseCode',
};
const BODY_MESSAGES: Readonly<Record<string, { field: Field; name: string; alertKind?: 'device' | 'dcc' }>> = {
  ResponseMessage: { field: 'srv', name: 'ServiceReferenceVariant' },
  DeviceAlertMessage: { field: 'alertCode', name: 'AlertCode', alertKind: 'device' },
  DCCAlertMessage: { field: 'alertCode', name: 'DCCAlertCode', alertKind: 'dcc' },
};

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

export function createHeaderScanner(maxBytes: number): HeaderScanner {
  const parser = new SaxesParser({ position: false });
  const decoder = new StringDecoder('utf8');
  const fields: { -readonly [K in Field]?: string } = {};
  let kind: DuisHeader['kind'] | undefined;
  let alertKind: DuisHeader['alertKind'];
  let outcome: HeaderScan | undefined;
  let bytes = 0;
  let depth = 0;
  /** Local names of the open elements down to depth 4 (deeper ones are never read). */
  const path: string[] = [];
  let headerClosed = false;
  /** The field whose text is being collected, and the depth of its element. */
  let collecting: Field | undefined;
  let collectingDepth = 0;
  let text = '';
  /** In a response's Body: the field wanted from its first message. */
  let bodyWant: { field: Field; name: string } | undefined;

  const finish = (scan: HeaderScan): HeaderScan => {
    outcome ??= scan;
    return outcome;
  };
  const missing = (): string | undefined => {
    if (kind === 'request') {
      if (!fields.requestId) return 'a DUIS Request without Header/RequestID';
      if (!fields.srv) return 'a DUIS Request without Header/ServiceReferenceVariant';
      return undefined;
    }
    if (!fields.responseCode) return 'a DUIS Response without Header/ResponseCode';
    if (!fields.requestId && !fields.responseId) return 'a DUIS Response without Header/RequestID or Header/ResponseID';
    return undefined;
  };
  const settle = (): HeaderScan => {
    const problem = missing();
    return finish(problem ? { problem } : { header: { kind: kind!, ...fields, ...(alertKind ? { alertKind } : {}) } });
  };
  const collect = (field: Field) => {
    collecting = field;
    collectingDepth = depth;
    text = '';
  };

  parser.on('opentag', (tag) => {
    depth++;
    if (outcome || depth > 4) return;
    const name = localName(tag.name);
    path[depth - 1] = name;
    if (depth === 1) {
      if (name === 'Request') kind = 'request';
      else if (name === 'Response') kind = 'response';
      else finish({ problem: `root element ${JSON.stringify(tag.name)} is not a DUIS Request or Response` });
    } else if (depth === 3 && path[1] === 'Header') {
      const field = HEADER_FIELDS[name];
      if (field && (kind === 'response' || field === 'requestId' || field === 'srv')) collect(field);
    } else if (depth === 3 && path[1] === 'Body' && kind === 'response') {
      const message = BODY_MESSAGES[name];
      if (!message) {
        settle();
        return;
      }
      bodyWant = message;
      alertKind = message.alertKind;
    } else if (depth === 4 && path[1] === 'Body' && bodyWant && name === bodyWant.name) {
      collect(bodyWant.field);
    }
  });
  parser.on('text', (t) => {
    if (collecting === undefined || outcome) return;
    text += t;
    if (text.length > MAX_FIELD_CHARS) finish({ problem: `${collecting} is longer than ${MAX_FIELD_CHARS} characters` });
  });
  parser.on('closetag', () => {
    const closing = depth--;
    if (outcome || closing > 4) return;
    if (collecting !== undefined && closing === collectingDepth) {
      fields[collecting] = text.trim();
      collecting = undefined;
      if (closing === 4) settle();
    } else if (closing === 2 && path[1] === 'Header') {
      headerClosed = true;
      // A request has all it needs in its Header; a response may still name its SRV or alert code in its Body.
      if (kind === 'request') settle();
    } else if ((closing === 3 && bodyWant) || (closing === 2 && path[1] === 'Body') || closing === 1) {
      settle();
    }
  });
  parser.on('error', (err) => {
    finish({ problem: `not well-formed XML: ${err.message}` });
  });

  /** The message stopped (ended, or the byte bound was reached) before the scan finished. */
  const cutShort = (why: string): HeaderScan => {
    // A response's Header is what counts; its Body only adds the SRV or alert code.
    if (kind === 'response' && headerClosed) return settle();
    if (kind === undefined && bytes === 0) return finish({ problem: 'an empty body' });
    return finish({ problem: kind === undefined ? `no DUIS Request or Response element ${why}` : `no complete DUIS Header ${why}` });
  };

  return {
    write(chunk) {
      if (outcome) return outcome;
      const room = maxBytes - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bytes += part.length;
      try {
        parser.write(decoder.write(part));
      } catch (err) {
        // saxes reports through the error handler; a throw here is a parser state it cannot continue from.
        finish({ problem: `not well-formed XML: ${(err as Error).message}` });
      }
      if (!outcome && bytes >= maxBytes) cutShort(`in the first ${maxBytes} bytes`);
      return outcome;
    },
    end() {
      return outcome ?? cutShort('before the message ended');
    },
  };
}
