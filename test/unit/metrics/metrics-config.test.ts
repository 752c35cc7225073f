// The collector's `metrics` configuration is checked like the rest: a strict schema, errors
// that name the option, the value and where it came from; the time zone when the engine starts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../../../collector/config.js';
import { startTestCollector } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('metrics configuration', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('takes the reporting time zone from --time-zone and defaults to Europe/London', () => {
    expect(loadCollectorConfig(undefined, {}).metrics.timeZone).toBe('Europe/London');
    expect(loadCollectorConfig(undefined, { 'time-zone': 'Europe/Dublin' }).metrics.timeZone).toBe('Europe/Dublin');
  });

  it('names an unknown or out-of-range metrics option and the file it came from', () => {
    const file = join(dir.path, 'collector.json');
    writeFileSync(file, JSON.stringify({ metrics: { availability: { minOutageMinutes: 0 }, sketch: true } }));
    expect(() => loadCollectorConfig(file, {})).toThrow(expect.objectContaining({
      code: 'HW_COLLECTOR_CONFIG',
      message: `invalid configuration:\n  metrics.sketch = true (from file ${file}) is not a known option\n  metrics.availability.minOutageMinutes = 0 (from file ${file}) must be >= 1`,
    }));
  });

  it('refuses to start with a time zone that is unknown, and with an invalid catalogue', async () => {
    await expect(startTestCollector(dir.path, { metrics: { timeZone: 'Mars/Olympus' } })).rejects.toMatchObject({ code: 'HW_COLLECTOR_CONFIG' });
    const catalogue = join(dir.path, 'catalogue.json');
    writeFileSync(catalogue, JSON.stringify({ catalogueVersion: 'x' }));
    await expect(startTestCollector(dir.path, { catalogueFile: catalogue })).rejects.toMatchObject({
      code: 'HW_COLLECTOR_CATALOGUE', message: expect.stringContaining(`invalid catalogue ${catalogue}`),
    });
  });
});
