import { defineErrorCodes } from '../common/error-codes.js';

export const TapError = defineErrorCodes({
  HW_TAP_CONFIG: 'The tap configuration is invalid; the message names the option, the bad value and where it came from.',
  HW_TAP_UPSTREAM: 'The tap could not reach the DCC User Interface or the User\'s endpoint it forwards to (refused, TLS failure, time-out); the sender gets 502 or 504 and the failure is counted.',
  HW_TAP_UNSTAMPED: 'A DUIS message passed the tap but could not be stamped (no DUIS header in the first bytes, a malformed RequestID, the agent behind or stopped); the traffic is forwarded unchanged and the message is counted by reason.',
  HW_TAP_AGENT: 'The tap\'s agent (its worker thread) could not start (the tap does not start), or stopped while the tap ran: traffic goes on unchanged and every message after is counted unstamped (agent-down).',
});
