// `hopwatch stamp <key> <point>`: one hop from a shell script, posted as a JSON line to a
// running agent's HTTP intake. The intake validates it; a refused hop exits non-zero with its reason.
import { parseCommand } from '../common/cli.js';
import { HopwatchError } from '../common/error-codes.js';
import { AgentError } from './errors.js';

const USAGE = `Usage: hopwatch stamp <key> <point> [options]

Posts one hop to a running agent's HTTP intake (POST /hops). <key> is the DUIS RequestID
(originator:target:counter), <point> a hop point name (UG_IN, CH_IN, HAN_OUT …).

Options:
  --code <code>                 response code the hop carries (I99, I0, E20 …)
  --srv <srv>                   Service Reference Variant, or an alert journey's alert code
  --time-us <n>                 when, in integer microseconds since the Unix epoch (default: on receipt)
  --device-type <t>             ESME, GSME, CHF, GPF, PPMID, IHD or HCALCS
  --device-model <m>            --firmware-version <v>   --ch-firmware-version <v>
  --csp-region <r>              NORTH, CENTRAL or SOUTH
  --smets-generation <g>        SMETS1 or SMETS2
  --user-role <r>
  --intake <url>                the agent's HTTP intake (default: http://127.0.0.1:7690)
  --token <t>                   sent as Authorization: Bearer <t>
  --help                        show this help
`;

/** Flag name → JSON hop field (agent/hop-json.ts). */
const FIELDS = {
  code: 'code', srv: 'srv', 'time-us': 'timeUs', 'device-type': 'deviceType', 'device-model': 'deviceModel',
  'firmware-version': 'firmwareVersion', 'ch-firmware-version': 'chFirmwareVersion', 'csp-region': 'cspRegion',
  'smets-generation': 'smetsGeneration', 'user-role': 'userRole',
} as const;

const stringFlags = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));

export interface IntakeAnswer {
  readonly accepted: number;
  readonly rejected: number;
  readonly problems: readonly string[];
}

/** The JSON line for a hop; values go as given (a digit string for --time-us as a number), and the intake judges them. */
export function stampLine(key: string, point: string, flags: Readonly<Record<string, string | boolean | undefined>>): string {
  const hop: Record<string, unknown> = { key, point };
  for (const [flag, field] of Object.entries(FIELDS)) {
    const value = flags[flag];
    if (typeof value !== 'string') continue;
    hop[field] = field === 'timeUs' && /^[0-9]{1,16}$/.test(value) ? Number(value) : value;
  }
  return JSON.stringify(hop);
}

export async function stampCommand(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv, [], AgentError.HW_AGENT_BAD_HOP.code, stringFlags([...Object.keys(FIELDS), 'intake', 'token']));
  if (cmd.help) {
    process.stdout.write(USAGE);
    return;
  }
  const [key, point, ...extra] = cmd.positionals;
  if (key === undefined || point === undefined || extra.length > 0) {
    throw new HopwatchError(AgentError.HW_AGENT_BAD_HOP.code, 'hopwatch stamp takes exactly two arguments, <key> and <point> (try --help)');
  }
  const intake = typeof cmd.flags.intake === 'string' ? cmd.flags.intake : 'http://127.0.0.1:7690';
  const url = `${intake.replace(/\/$/, '')}/hops`;
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (typeof cmd.flags.token === 'string') headers.authorization = `Bearer ${cmd.flags.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: `${stampLine(key, point, cmd.flags)}\n`, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new HopwatchError(AgentError.HW_AGENT_UNREACHABLE.code, `no agent intake answered at ${url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (res.status === 401) throw new HopwatchError(AgentError.HW_AGENT_INTAKE_UNAUTHORIZED.code, `the intake at ${url} needs its token (--token): ${text.trim()}`);
  if (!res.ok) throw new HopwatchError(AgentError.HW_AGENT_BAD_HOP.code, `the intake at ${url} answered ${res.status}: ${text.trim()}`);
  const answer = JSON.parse(text) as IntakeAnswer;
  if (answer.accepted !== 1) throw new HopwatchError(AgentError.HW_AGENT_BAD_HOP.code, `the hop was refused: ${answer.problems[0] ?? 'no reason given'}`);
}
