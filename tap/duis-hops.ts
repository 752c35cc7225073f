// What a DUIS message passing the tap means as a hop: which point, which journey key and what
// context. The DCC leg carries Service Requests out and their synchronous answers back (the I99
// acknowledgement, or a final response such as an authorisation error); the User leg carries
// the asynchronous Service Responses and alerts to the User's own endpoint.
import { journeyKey, type JourneyKey } from '../agent/journey-key.js';
import { CODE_PATTERN, SRV_PATTERN, type HopContext } from '../proto/hop-context.js';
import { HopPoint } from '../proto/hop-point.js';
import type { DuisHeader } from './duis-header.js';

/** DUIS response code of the acknowledgement that the DCC has accepted a Service Request. */
export const ACKNOWLEDGEMENT_CODE = 'I99';

export interface TapHop {
  readonly key: JourneyKey;
  readonly point: number;
  readonly context?: HopContext;
  /** A field left out of the context because it does not match the wire's pattern. */
  readonly droppedField?: string;
}

/** Why a message was not stamped: its RequestID is absent or malformed, or it is not the kind of message expected on its leg. */
export type UnstampedReason = 'bad-key' | 'unexpected-message';

export type HopOrProblem = TapHop | { readonly problem: string; readonly reason: UnstampedReason };

/** Contexts are shared between hops (the agent checks each distinct object once); bounded, as SRVs and codes are few. */
const MAX_SHARED_CONTEXTS = 4096;
const contexts = new Map<string, HopContext>();

function sharedContext(srv: string | undefined, code: string | undefined): HopContext | undefined {
  if (srv === undefined && code === undefined) return undefined;
  const id = `${srv ?? ''}|${code ?? ''}`;
  let ctx = contexts.get(id);
  if (ctx === undefined) {
    ctx = Object.freeze({ ...(srv !== undefined ? { srv } : {}), ...(code !== undefined ? { code } : {}) });
    if (contexts.size < MAX_SHARED_CONTEXTS) contexts.set(id, ctx);
  }
  return ctx;
}

/** A device alert's AlertCode is two bytes of hex ("8F72"); hopwatch writes alert codes as "0x8F72". */
function alertSrv(header: DuisHeader): string | undefined {
  const code = header.alertCode;
  if (code === undefined) return undefined;
  return header.alertKind === 'device' && /^[0-9A-Fa-f]{4}$/.test(code) ? `0x${code.toUpperCase()}` : code;
}

function hop(keyText: string | undefined, point: number, srv: string | undefined, code: string | undefined): HopOrProblem {
  if (keyText === undefined) return { problem: 'no RequestID to key the hop by', reason: 'bad-key' };
  let key: JourneyKey;
  try {
    key = journeyKey(keyText);
  } catch (err) {
    return { problem: `RequestID ${JSON.stringify(keyText)}: ${(err as Error).message}`, reason: 'bad-key' };
  }
  let droppedField: string | undefined;
  if (srv !== undefined && !SRV_PATTERN.test(srv)) {
    droppedField = `srv ${JSON.stringify(srv)}`;
    srv = undefined;
  }
  if (code !== undefined && !CODE_PATTERN.test(code)) {
    droppedField = `code ${JSON.stringify(code)}`;
    code = undefined;
  }
  const context = sharedContext(srv, code);
  return { key, point, ...(context ? { context } : {}), ...(droppedField ? { droppedField } : {}) };
}

/** A Service Request from the User, on its way to the DCC: UG_IN. */
export function serviceRequestHop(header: DuisHeader): HopOrProblem {
  if (header.kind !== 'request') return { problem: 'a DUIS Response where a Service Request was expected', reason: 'unexpected-message' };
  return hop(header.requestId, HopPoint.UG_IN, header.srv, undefined);
}

/**
 * The DCC's synchronous answer to a Service Request: the I99 acknowledgement is UG_ACK; any other
 * code is the final response, given at once (UG_OUT). `requestKey` is the request's RequestID,
 * for answers that do not repeat it.
 */
export function synchronousAnswerHop(header: DuisHeader, requestKey: string | undefined): HopOrProblem {
  if (header.kind !== 'response') return { problem: 'a DUIS Request where the DCC\'s answer was expected', reason: 'unexpected-message' };
  const point = header.responseCode === ACKNOWLEDGEMENT_CODE ? HopPoint.UG_ACK : HopPoint.UG_OUT;
  return hop(header.requestId ?? requestKey, point, header.srv, header.responseCode);
}

/** A message the DCC delivers to the User's endpoint: an alert (ALERT_UG_OUT) or a Service Response (UG_OUT). */
export function deliveryHop(header: DuisHeader): HopOrProblem {
  if (header.kind !== 'response') return { problem: 'a DUIS Request where a Service Response or alert was expected', reason: 'unexpected-message' };
  // An alert is keyed by its ResponseID (device:User:counter), the key the alert's other hops use.
  if (header.alertKind !== undefined) return hop(header.responseId ?? header.requestId, HopPoint.ALERT_UG_OUT, alertSrv(header), undefined);
  const point = header.responseCode === ACKNOWLEDGEMENT_CODE ? HopPoint.UG_ACK : HopPoint.UG_OUT;
  // A device's ResponseID runs device:User, the other way round from the request's key: never key by it.
  return hop(header.requestId, point, header.srv, header.responseCode);
}
