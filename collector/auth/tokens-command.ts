// `hopwatch tokens create|list|revoke`: API tokens in the collector's database. A running
// collector picks changes up within about a second. The token is printed once, as the last
// line of standard output, and is not stored anywhere (only its SHA-256).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HopwatchError } from '../../common/error-codes.js';
import { loadCollectorConfig } from '../config.js';
import { loadCatalogue } from '../catalogue/catalogue.js';
import { openStoreBackend, storeKindOf } from '../store/open-backend.js';
import { redact } from '../store/postgres/sync-postgres.js';
import { TOKEN_SCOPES } from './principal.js';
import { checkTokenRequest, issueApiToken, type CheckedTokenRequest } from './token-issuer.js';

const USAGE = `Usage:
  hopwatch tokens create --scope ${TOKEN_SCOPES.join('|')} [--party EUI-64 --role ROLE ...] [--label TEXT] [--store FILE|URL]
  hopwatch tokens list [--store FILE|URL]
  hopwatch tokens revoke <id> [--store FILE|URL]

API tokens for the collector's HTTP API (README "Security"). Once one exists, every route
needs Authorization: Bearer <token>. Scopes: admin (everything), viewer (every read),
metrics (GET /metrics), party (one DCC User's own journeys and figures; --party is its
EUI-64, --role its User Role(s), repeated or comma-separated).

Options:
  --store F|URL   the collector's store, a SQLite file or a postgres:// URL (default: the
                  collector's store.file)
  --config FILE   a collector config file (its store.file and catalogueFile are used)
  --catalogue F   the catalogue whose User Roles --role is checked against
`;

const refuse = (message: string) => new HopwatchError('HW_COLLECTOR_TOKENS', message);

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        scope: { type: 'string' }, party: { type: 'string' }, role: { type: 'string', multiple: true }, label: { type: 'string' },
        store: { type: 'string' }, db: { type: 'string' }, config: { type: 'string' }, catalogue: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw refuse(`${(err as Error).message} (try --help)`);
  }
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export async function tokensCommand(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { values: v, positionals } = parse(argv);
  const [sub, ...rest] = positionals;
  if (v.help || sub === undefined) {
    out(USAGE);
    return;
  }
  const config = loadCollectorConfig(v.config, { ...(v.db !== undefined ? { db: v.db } : {}), ...(v.store !== undefined ? { store: v.store } : {}), ...(v.catalogue !== undefined ? { catalogue: v.catalogue } : {}) });
  const file = redact(config.store.file);
  // Checked before the database is opened: a refused request leaves no file behind.
  let request: CheckedTokenRequest | undefined;
  if (sub === 'create' && rest.length === 0) {
    if (v.scope === undefined) throw refuse(`create needs --scope (${TOKEN_SCOPES.join(', ')})`);
    const catalogue = config.catalogueFile ? loadCatalogue(config.catalogueFile) : loadCatalogue();
    const roles = (v.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
    request = checkTokenRequest({ scope: v.scope, roles, label: v.label ?? '', ...(v.party !== undefined ? { party: v.party } : {}) }, catalogue.data.userRoles.map((r) => r.id));
  } else if (!(sub === 'list' && rest.length === 0) && !(sub === 'revoke' && rest.length === 1)) {
    throw refuse(`expected tokens create|list|revoke <id> (got ${JSON.stringify(positionals.join(' '))}; try --help)`);
  } else if (storeKindOf(config.store.file) === 'sqlite' && !existsSync(config.store.file)) {
    throw refuse(`no database at ${file} (--store)`);
  }
  const backend = openStoreBackend({ file: config.store.file, synchronous: 'full' });
  try {
    const { tokens } = backend;
    if (request) {
      const { record, token } = issueApiToken(tokens, request, Date.now());
      const party = record.party ? ` for party ${record.party} (${record.roles.join(', ')})` : '';
      out(`created ${record.scope} token ${record.id}${party} in ${file}; it is shown once, keep it secret:\n${token}\n`);
    } else if (sub === 'list') {
      const header = ['id', 'scope', 'party', 'roles', 'label', 'created', 'revoked'];
      const rows = tokens.list().map((t) => [t.id, t.scope, t.party ?? '', t.roles.join(','), t.label, iso(t.createdAtMs), iso(t.revokedAtMs)]);
      out(`${[header, ...rows].map((r) => r.join('\t')).join('\n')}\n`);
    } else {
      const id = rest[0]!;
      if (!tokens.revoke(id, Date.now())) throw refuse(`no unrevoked token with id ${JSON.stringify(id)} in ${file} (hopwatch tokens list)`);
      out(`revoked token ${id}\n`);
    }
  } finally {
    backend.store.close();
  }
}
