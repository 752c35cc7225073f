// The contexts each kind of agent passes to stamp(). The batch encoder interns contexts by
// object identity, so every distinct context is built once here and reused by every hop.
// Each agent says only what it would know: the gateway the SRV and the User's role, the
// CSP its region, the rig its devices (and an alert's code, which the device raised).
import type { CspRegionName, HopContext } from '../proto/hop-context.js';
import type { Device } from './fleet.js';

export interface HopContexts {
  gateway(srv: string, userRole: string): HopContext;
  csp(region: CspRegionName): HopContext;
  rigRequest(device: Device): HopContext;
  rigAlert(device: Device, alertCode: string): HopContext;
  /** `base` plus a response code (I99 on UG_ACK, I0 or an error on UG_OUT). */
  withCode(base: HopContext, code: string): HopContext;
}

export function createHopContexts(): HopContexts {
  const gateways = new Map<string, HopContext>();
  const csps = new Map<CspRegionName, HopContext>();
  const rigAlerts = new Map<string, HopContext>();
  const coded = new WeakMap<HopContext, Map<string, HopContext>>();

  const cached = <K>(map: Map<K, HopContext>, key: K, make: () => HopContext): HopContext => {
    let ctx = map.get(key);
    if (ctx === undefined) map.set(key, (ctx = Object.freeze(make())));
    return ctx;
  };

  return {
    gateway: (srv, userRole) => cached(gateways, `${srv}|${userRole}`, () => ({ srv, userRole })),
    csp: (region) => cached(csps, region, () => ({ cspRegion: region })),
    rigRequest: (device) => device.context,
    rigAlert: (device, alertCode) => cached(rigAlerts, `${device.eui}|${alertCode}`, () => ({ ...device.context, srv: alertCode })),
    withCode(base, code) {
      let byCode = coded.get(base);
      if (byCode === undefined) coded.set(base, (byCode = new Map()));
      return cached(byCode, code, () => ({ ...base, code }));
    },
  };
}
