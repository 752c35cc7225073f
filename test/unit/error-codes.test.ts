import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../agent/errors.js';
import { CollectorError } from '../../collector/errors.js';
import { StubsError } from '../../firmware-stubs/errors.js';
import { TapError } from '../../tap/errors.js';

describe('error codes', () => {
  const tables = { agent: [AgentError, 'HW_AGENT_'], collector: [CollectorError, 'HW_COLLECTOR_'], stubs: [StubsError, 'HW_STUBS_'], tap: [TapError, 'HW_TAP_'] } as const;

  it.each(Object.entries(tables))('%s codes equal their keys, carry the app prefix and say what they mean', (_app, [table, prefix]) => {
    for (const [key, entry] of Object.entries(table)) {
      expect(entry.code).toBe(key);
      expect(key.startsWith(prefix)).toBe(true);
      expect(entry.meaning.length).toBeGreaterThan(20);
    }
  });

  it('never reuses a code across apps', () => {
    const codes = [...Object.keys(AgentError), ...Object.keys(CollectorError), ...Object.keys(StubsError), ...Object.keys(TapError)];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('documents every code in the README troubleshooting section', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Troubleshooting'));
    for (const code of [...Object.keys(AgentError), ...Object.keys(CollectorError), ...Object.keys(StubsError), ...Object.keys(TapError)]) expect(section).toContain(`\`${code}\``);
  });
});
