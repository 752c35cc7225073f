// `hopwatch agents add|list|revoke`: the agents allowed on the embedded broker. Run against
// the collector's database file; a running collector picks changes up within about a second.
import { existsSync } from 'node:fs';
import { HopwatchError } from '../common/error-codes.js';
import { parseCommand } from '../common/cli.js';
import { AGENT_ID_PATTERN } from '../proto/topics.js';
import { issueAgentCredential } from './auth/issue-credential.js';
import { collectorFlags, loadCollectorConfig } from './config.js';
import { CollectorError } from './errors.js';
import { openStoreBackend, storeKindOf } from './store/open-backend.js';
import { redact } from './store/postgres/sync-postgres.js';

const USAGE = `Usage: hopwatch agents add <agentId> [--rotate] [--store FILE|URL]
       hopwatch agents list [--store FILE|URL]
       hopwatch agents revoke <agentId> [--store FILE|URL]

Agent credentials for the embedded broker. Once any exist, MQTT clients must log in as an
agent (username = agent id, password = its secret, client id = hopwatch-agent-<agentId>).
add prints the new secret once, as the last line on stdout; --rotate replaces an agent's
existing secret (its connected session is closed). The collector keeps only a slow hash.
--store defaults to the collector's store: its SQLite file or postgres:// URL
(or the one --config names).
`;

export interface AgentsCommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly nowMs: () => number;
}

const processIo: AgentsCommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), nowMs: Date.now };
const dbFlag = collectorFlags.filter((f) => f.flag === 'store');
const fail = (message: string) => new HopwatchError(CollectorError.HW_COLLECTOR_AGENT_CREDENTIAL.code, message);

export async function agentsCommand(argv: string[], io: AgentsCommandIo = processIo): Promise<void> {
  const cmd = parseCommand(argv, dbFlag, CollectorError.HW_COLLECTOR_AGENT_CREDENTIAL.code, { rotate: { type: 'boolean' } });
  const [sub, agentId, ...rest] = cmd.positionals;
  if (cmd.help || sub === undefined) {
    io.out(USAGE);
    return;
  }
  const { rotate, ...flags } = cmd.flags;
  const expected = sub === 'list' ? 0 : 1;
  if (!['add', 'list', 'revoke'].includes(sub) || cmd.positionals.length - 1 !== expected || rest.length > 0) {
    throw fail(`expected hopwatch agents add <agentId> | list | revoke <agentId> (got ${JSON.stringify(cmd.positionals.join(' '))}; try --help)`);
  }
  if (rotate === true && sub !== 'add') throw fail('--rotate goes with hopwatch agents add');
  if (agentId !== undefined && !AGENT_ID_PATTERN.test(agentId)) throw fail(`agent id ${JSON.stringify(agentId)} must match ${AGENT_ID_PATTERN.source}`);

  const config = loadCollectorConfig(cmd.configFile, flags);
  // add may prepare a database before the collector first runs; list and revoke on a mistyped path must not create one.
  if (sub !== 'add' && storeKindOf(config.store.file) === 'sqlite' && !existsSync(config.store.file)) throw fail(`no database at ${config.store.file} (--store names the collector's database file)`);
  const backend = openStoreBackend({ file: config.store.file, synchronous: 'full' });
  const where = redact(config.store.file);
  try {
    const { credentials } = backend;
    if (sub === 'list') {
      io.out(formatList(credentials.list()));
    } else if (sub === 'revoke') {
      if (!credentials.revoke(agentId!, io.nowMs())) throw fail(`agent ${JSON.stringify(agentId)} has no active credential in ${where} (hopwatch agents list)`);
      io.err(`revoked ${agentId}: a running collector closes its session within about a second and refuses it from then on\n`);
    } else {
      const { secret, credential } = await issueAgentCredential(agentId!, io.nowMs());
      const result = credentials.add(credential, { rotate: rotate === true });
      if (result === 'exists') throw fail(`agent ${JSON.stringify(agentId)} already has a credential in ${where}; pass --rotate to replace its secret, or revoke it first`);
      io.err([
        `${result === 'rotated' ? 'rotated the secret of' : 'added'} agent ${agentId} in ${where}.`,
        'The secret below is shown once and not stored: keep it, and give it to the agent as a file only it can read:',
        `  hopwatch agent --id ${agentId} --broker-password-file <file holding the secret>`,
        '(hopwatch agents add ... > file writes just the secret.)',
        '',
      ].join('\n'));
      io.out(`${secret}\n`);
    }
  } finally {
    backend.store.close();
  }
}

function formatList(rows: readonly { agentId: string; createdAtMs: number; revokedAtMs?: number }[]): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const lines = rows.map((r) => `${r.agentId.padEnd(24)} ${iso(r.createdAtMs)}  ${r.revokedAtMs === undefined ? '-' : iso(r.revokedAtMs)}`);
  return `${'agent'.padEnd(24)} ${'created'.padEnd(24)}  revoked\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}
