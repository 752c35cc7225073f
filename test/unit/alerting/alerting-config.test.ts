// Alert rules come from the collector configuration, checked like the rest of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../../../collector/config.js';
import { startTestCollector } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('alerting configuration', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());
  const load = (alerting: unknown) => {
    const file = join(dir.path, 'collector.json');
    writeFileSync(file, JSON.stringify({ alerting }));
    return () => loadCollectorConfig(file, {});
  };

  it('takes rules of every kind with the fields each needs', () => {
    const config = load({
      rules: [
        { name: 'rate', kind: 'threshold', metric: 'successRatePct', op: 'below', value: 95, windowMinutes: 60, by: 'srv', minVolume: 20 },
        { name: 'down', kind: 'region-down', windowMinutes: 5, region: ['NORTH'], forSeconds: 60, severity: 'critical' },
        { name: 'offline', kind: 'agent-offline', silenceSeconds: 60 },
        { name: 'buffer', kind: 'agent-buffer', value: 1000 },
        { name: 'clock', kind: 'clock-uncertainty', value: 5000 },
        { name: 'installs', kind: 'installs-deviation', value: 30 },
      ],
    })();
    expect(config.alerting.rules.map((r) => r.kind)).toEqual(['threshold', 'region-down', 'agent-offline', 'agent-buffer', 'clock-uncertainty', 'installs-deviation']);
    expect(config.alerting.evaluateIntervalMs).toBe(5000);
  });

  it('names a rule that lacks a field its kind needs, or has an unknown one', () => {
    expect(load({ rules: [{ name: 'rate', kind: 'threshold', op: 'below', value: 95, windowMinutes: 60 }] }))
      .toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining("must have required property 'metric'") }));
    expect(load({ rules: [{ name: 'down', kind: 'region-down', windowMinutes: 5, colour: 'red' }] }))
      .toThrow(expect.objectContaining({ message: expect.stringContaining('alerting.rules.0.colour') }));
    expect(load({ webhook: { url: 'ftp://x' } })).toThrow(expect.objectContaining({ message: expect.stringContaining('alerting.webhook.url') }));
  });

  it('refuses to start with two rules of one name', async () => {
    const rule = { name: 'same', kind: 'agent-offline' } as const;
    await expect(startTestCollector(dir.path, { alerting: { rules: [rule, rule] } })).rejects.toMatchObject({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining('"same"') });
  });
});
