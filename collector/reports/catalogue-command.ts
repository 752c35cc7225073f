// `hopwatch catalogue check <file>`: validates a user's catalogue the way the collector will
// at start-up, and says exactly what is wrong (every problem, with its JSON path).
import { HopwatchError } from '../../common/error-codes.js';
import { loadCatalogue } from '../catalogue/catalogue.js';

const USAGE = `Usage: hopwatch catalogue check <file>

Checks a catalogue file (SRVs, TRTs with effective dates, codes, processes, attribution
rules, targets) against the schema and for cross-references; the collector takes it with
--catalogue <file>. Start from collector/catalogue/default-catalogue.json.
`;

export async function catalogueCommand(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const [sub, file, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out(USAGE);
    return;
  }
  if (sub !== 'check' || file === undefined || rest.length > 0) throw new HopwatchError('HW_COLLECTOR_CATALOGUE', `expected: hopwatch catalogue check <file> (got ${JSON.stringify(argv.join(' '))})`);
  const c = loadCatalogue(file).data;
  const codes = c.responseCodes.length + c.alertCodes.length;
  out(`ok: ${file}: catalogue ${c.catalogueVersion}, ${c.srvs.length} SRVs, ${c.businessProcesses.length} business processes, ${codes} codes, ` +
    `${c.rttTargets.length} RTT targets, ${c.successRateTargets.length} Success Rate targets; every entry cites one of ${Object.keys(c.sources).length} sources\n`);
}
