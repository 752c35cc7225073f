// Configuration for both apps: defaults, then a JSON file, then command-line flags;
// validated once against a strict schema, then frozen. A bad value is reported with
// the option's path, the value, and where it came from.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { HopwatchError } from './error-codes.js';

export interface FlagSpec {
  /** Long flag name without the dashes, e.g. "broker". */
  readonly flag: string;
  /** Dotted path into the config object, e.g. "broker.url". */
  readonly path: string;
  /** list: comma-separated values, for an option that holds an array of strings. */
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'list';
  readonly description: string;
}

export interface LoadConfigOptions<T> {
  /** Error code for a bad configuration (HW_AGENT_CONFIG, HW_COLLECTOR_CONFIG). */
  readonly errorCode: string;
  readonly schema: object;
  readonly defaults: T;
  readonly file?: string;
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly specs: readonly FlagSpec[];
}

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });

export function loadConfig<T extends object>(options: LoadConfigOptions<T>): Readonly<T> {
  const { errorCode } = options;
  const merged = structuredClone(options.defaults) as Record<string, unknown>;
  const sources = new Map<string, string>();

  if (options.file) {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch (err) {
      throw new HopwatchError(errorCode, `cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new HopwatchError(errorCode, `config file ${options.file} must hold a JSON object`);
    }
    mergeInto(merged, fromFile as Record<string, unknown>, '', sources, `file ${options.file}`);
  }

  for (const spec of options.specs) {
    const raw = options.flags[spec.flag];
    if (raw === undefined) continue;
    setPath(merged, spec.path, coerce(raw, spec, errorCode));
    sources.set(spec.path, `flag --${spec.flag}`);
  }

  const validate = ajv.compile(options.schema);
  if (!validate(merged)) throw new HopwatchError(errorCode, describeErrors(validate.errors ?? [], merged, sources));
  return deepFreeze(merged) as unknown as Readonly<T>;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, prefix: string, sources: Map<string, string>, from: string): void {
  for (const [k, v] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const existing = target[k];
    if (isPlainObject(v) && isPlainObject(existing)) mergeInto(existing, v, path, sources, from);
    else {
      target[k] = v;
      sources.set(path, from);
    }
  }
}

function coerce(raw: string | boolean, spec: FlagSpec, errorCode: string): unknown {
  if (spec.type === 'boolean') return raw === true || raw === 'true';
  if (typeof raw !== 'string') throw new HopwatchError(errorCode, `--${spec.flag} needs a value`);
  if (spec.type === 'string') return raw;
  if (spec.type === 'list') return raw.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
    throw new HopwatchError(errorCode, `--${spec.flag} ${JSON.stringify(raw)} is not ${spec.type === 'integer' ? 'an integer' : 'a number'}`);
  }
  return n;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function describeErrors(errors: readonly ErrorObject[], config: Record<string, unknown>, sources: Map<string, string>): string {
  const lines = errors.map((e) => {
    const segments = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'additionalProperties') segments.push(String((e.params as { additionalProperty: string }).additionalProperty));
    const path = segments.join('.');
    const value = segments.reduce<unknown>((node, k) => (isPlainObject(node) ? node[k] : undefined), config);
    const from = sourceOf(path, sources);
    const what = e.keyword === 'additionalProperties' ? 'is not a known option' : e.message ?? 'is invalid';
    return `${path || '(root)'} = ${JSON.stringify(value)} (from ${from}) ${what}`;
  });
  return `invalid configuration:\n  ${lines.join('\n  ')}`;
}

function sourceOf(path: string, sources: Map<string, string>): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const s = sources.get(p);
    if (s) return s;
  }
  return 'defaults';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** `--help` text for a command: usage line, then each flag with its config path and default. */
export function helpText(usage: string, specs: readonly FlagSpec[], defaults: object, extra = ''): string {
  const width = Math.max(...specs.map((s) => s.flag.length + (s.type === 'boolean' ? 0 : 8))) + 4;
  const lines = specs.map((s) => {
    const name = `--${s.flag}${s.type === 'boolean' ? '' : ' <value>'}`;
    const def = s.path.split('.').reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), defaults);
    const dflt = def === undefined || def === null ? '' : ` (default: ${JSON.stringify(def)})`;
    return `  ${name.padEnd(width)}${s.description}${dflt}\n  ${''.padEnd(width)}config: ${s.path}`;
  });
  return `${usage}\n\nOptions:\n  --config <file>${''.padEnd(Math.max(1, width - 15))}JSON config file; flags override it\n  --help${''.padEnd(width - 6)}show this help\n${lines.join('\n')}\n${extra}`;
}
