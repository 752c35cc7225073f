// What the tap reads from a DUIS message's start, as element events (open, text, close) arrive
// from a tokenizer: the streaming XML parser (tap/duis-header.ts) or the byte scan of the plain
// shape (tap/plain-header-scan.ts). One walker, so that both read the same fields the same way.
//
// Shapes, from the DUIS XML schema (element names without their namespace prefix):
//   Request  > Header > RequestID, CommandVariant, ServiceReference, ServiceReferenceVariant
//   Response > Header > RequestID?, ResponseID?, ResponseCode, ResponseDateTime
//   Response > Body > ResponseMessage > ServiceReference, ServiceReferenceVariant
//   Response > Body > DeviceAlertMessage > AlertCode          (a device alert)
//   Response > Body > DCCAlertMessage > DCCAlertCode          (a DCC alert)

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

/** Longest field text kept; a RequestID with a 20-digit counter is 68 characters. */
export const MAX_FIELD_CHARS = 128;

/** The local names the walker tells apart, as small numbers, so a tokenizer need not build a string to name an element. */
export const Name = {
  OTHER: 0, Request: 1, Response: 2, Header: 3, Body: 4, RequestID: 5, ResponseID: 6, ServiceReferenceVariant: 7,
  ResponseCode: 8, ResponseMessage: 9, DeviceAlertMessage: 10, DCCAlertMessage: 11, AlertCode: 12, DCCAlertCode: 13,
} as const;

type Field = 'requestId' | 'responseId' | 'srv' | 'responseCode' | 'alertCode';

const HEADER_FIELDS: Readonly<Record<number, Field>> = {
  [Name.RequestID]: 'requestId', [Name.ResponseID]: 'responseId', [Name.ServiceReferenceVariant]: 'srv', [Name.ResponseCode]: 'responseCode',
};

const BODY_MESSAGES: Readonly<Record<number, { field: Field; name: number; alertKind?: 'device' | 'dcc' }>> = {
  [Name.ResponseMessage]: { field: 'srv', name: Name.ServiceReferenceVariant },
  [Name.DeviceAlertMessage]: { field: 'alertCode', name: Name.AlertCode, alertKind: 'device' },
  [Name.DCCAlertMessage]: { field: 'alertCode', name: Name.DCCAlertCode, alertKind: 'dcc' },
};

export interface HeaderWalker {
  /** An element opens: its local name's number, and (for the root only) its name as written, for a problem to quote. */
  open(name: number, written: string): void;
  /** Text inside the element open last; only kept while `collecting`. */
  text(t: string): void;
  close(): void;
  /** A field's text is wanted now: a tokenizer may skip building text strings while this is false. */
  readonly collecting: boolean;
  /** The outcome once known. */
  readonly outcome: HeaderScan | undefined;
  /** Settles with `problem` unless already settled. */
  fail(problem: string): HeaderScan;
  /** The message stopped (ended, or the byte bound was reached) before the walk finished; `empty`: not one byte came. */
  cutShort(why: string, empty: boolean): HeaderScan;
}

/** Per message: a class rather than closures, as the proxy thread builds one for every message. */
class Walker implements HeaderWalker {
  private readonly fields: { -readonly [K in Field]?: string } = {};
  private kind: DuisHeader['kind'] | undefined = undefined;
  private alertKind: DuisHeader['alertKind'] = undefined;
  private settled: HeaderScan | undefined = undefined;
  private depth = 0;
  /** The local name of the open element at depth 2 (Header or Body): the only one looked back at. */
  private section = Name.OTHER as number;
  private headerClosed = false;
  /** The field whose text is being collected, and the depth of its element. */
  private field: Field | undefined = undefined;
  private fieldDepth = 0;
  private fieldText = '';
  /** In a response's Body: the field wanted from its first message. */
  private bodyWant: { field: Field; name: number } | undefined = undefined;

  get collecting(): boolean {
    return this.field !== undefined && this.settled === undefined;
  }

  get outcome(): HeaderScan | undefined {
    return this.settled;
  }

  open(name: number, written: string): void {
    const depth = ++this.depth;
    if (this.settled || depth > 4) return;
    if (depth === 1) {
      if (name === Name.Request) this.kind = 'request';
      else if (name === Name.Response) this.kind = 'response';
      else this.fail(`root element ${JSON.stringify(written)} is not a DUIS Request or Response`);
    } else if (depth === 2) {
      this.section = name;
    } else if (depth === 3 && this.section === Name.Header) {
      const field = HEADER_FIELDS[name];
      if (field && (this.kind === 'response' || field === 'requestId' || field === 'srv')) this.collect(field);
    } else if (depth === 3 && this.section === Name.Body && this.kind === 'response') {
      const message = BODY_MESSAGES[name];
      if (!message) {
        this.settle();
        return;
      }
      this.bodyWant = message;
      this.alertKind = message.alertKind;
    } else if (depth === 4 && this.section === Name.Body && this.bodyWant && name === this.bodyWant.name) {
      this.collect(this.bodyWant.field);
    }
  }

  text(t: string): void {
    if (this.field === undefined || this.settled) return;
    this.fieldText += t;
    if (this.fieldText.length > MAX_FIELD_CHARS) this.fail(`${this.field} is longer than ${MAX_FIELD_CHARS} characters`);
  }

  close(): void {
    const closing = this.depth--;
    if (this.settled || closing > 4) return;
    if (this.field !== undefined && closing === this.fieldDepth) {
      this.fields[this.field] = this.fieldText.trim();
      this.field = undefined;
      if (closing === 4) this.settle();
    } else if (closing === 2 && this.section === Name.Header) {
      this.headerClosed = true;
      // A request has all it needs in its Header; a response may still name its SRV or alert code in its Body.
      if (this.kind === 'request') this.settle();
    } else if ((closing === 3 && this.bodyWant) || (closing === 2 && this.section === Name.Body) || closing === 1) {
      this.settle();
    }
  }

  fail(problem: string): HeaderScan {
    return this.finish({ problem });
  }

  cutShort(why: string, empty: boolean): HeaderScan {
    if (this.settled) return this.settled;
    // A response's Header is what counts; its Body only adds the SRV or alert code.
    if (this.kind === 'response' && this.headerClosed) return this.settle();
    if (this.kind === undefined && empty) return this.fail('an empty body');
    return this.fail(this.kind === undefined ? `no DUIS Request or Response element ${why}` : `no complete DUIS Header ${why}`);
  }

  private finish(scan: HeaderScan): HeaderScan {
    this.settled ??= scan;
    return this.settled;
  }

  private missing(): string | undefined {
    const { fields } = this;
    if (this.kind === 'request') {
      if (!fields.requestId) return 'a DUIS Request without Header/RequestID';
      if (!fields.srv) return 'a DUIS Request without Header/ServiceReferenceVariant';
      return undefined;
    }
    if (!fields.responseCode) return 'a DUIS Response without Header/ResponseCode';
    if (!fields.requestId && !fields.responseId) return 'a DUIS Response without Header/RequestID or Header/ResponseID';
    return undefined;
  }

  private settle(): HeaderScan {
    const problem = this.missing();
    return this.finish(problem ? { problem } : { header: { kind: this.kind!, ...this.fields, ...(this.alertKind ? { alertKind: this.alertKind } : {}) } });
  }

  private collect(field: Field): void {
    this.field = field;
    this.fieldDepth = this.depth;
    this.fieldText = '';
  }
}

export function createHeaderWalker(): HeaderWalker {
  return new Walker();
}
