// What a soak scenario sent: journeys of two hops (UG_IN, then UG_OUT with I0 five
// milliseconds later), each with its own key. A journey counts as sent only once the agent's
// intake answered 200 for it, that is once it was committed to the agent's buffer.
export const HOPS_PER_JOURNEY = 2;

export interface SoakJourneys {
  /** The key of journey `n`: the target EUI-64 names the scenario, so runs never mix. */
  key(n: number): string;
  /** The NDJSON lines of journeys `from` (inclusive) to `to` (exclusive). */
  lines(from: number, to: number, startUs: number): string;
}

export function createSoakJourneys(scenarioIndex: number): SoakJourneys {
  const target = `00-DB-50-AC-00-00-00-${scenarioIndex.toString(16).padStart(2, '0').toUpperCase()}`;
  const key = (n: number) => `90-B3-D5-1F-30-01-00-00:${target}:${n}`;
  return {
    key,
    lines(from, to, startUs) {
      let out = '';
      for (let n = from; n < to; n++) {
        out += `${JSON.stringify({ key: key(n), point: 'UG_IN', timeUs: startUs, srv: '4.8.1' })}\n`;
        out += `${JSON.stringify({ key: key(n), point: 'UG_OUT', timeUs: startUs + 5000, code: 'I0' })}\n`;
      }
      return out;
    },
  };
}
