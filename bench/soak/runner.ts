// Runs soak scenarios one after another, each in its own temp directory, prints progress, and
// gives each one's counts and whether it passed: no journey lost, none doubled, no problem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario, ScenarioOutcome } from './scenario.js';

export interface ScenarioReport extends ScenarioOutcome {
  readonly name: string;
  readonly seconds: number;
  readonly passed: boolean;
}

export interface SoakRun {
  readonly scale: number;
  readonly startedAt: string;
  readonly seconds: number;
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioReport[];
}

export async function runSoak(scenarios: readonly Scenario[], scale: number, log: (line: string) => void): Promise<SoakRun> {
  const startedAt = new Date();
  const reports: ScenarioReport[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const dir = mkdtempSync(join(tmpdir(), `hopwatch-soak-${scenario.name}-`));
    const started = Date.now();
    log(`${scenario.name}: started`);
    let outcome: ScenarioOutcome;
    try {
      outcome = await scenario.run({ index: index + 1, scale, dir, log: (line) => log(`${scenario.name}: ${line}`) });
    } catch (err) {
      outcome = { sent: 0, stored: 0, lost: 0, doubled: 0, unconfirmed: 0, problems: [`failed: ${(err as Error).stack ?? String(err)}`] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const passed = outcome.lost === 0 && outcome.doubled === 0 && outcome.problems.length === 0;
    const { sent, stored, lost, doubled, ...rest } = outcome;
    reports.push({ name: scenario.name, sent, stored, lost, doubled, seconds, ...rest, passed });
    log(`${scenario.name}: ${passed ? 'passed' : 'FAILED'} in ${seconds} s: sent ${sent}, stored ${stored}, lost ${lost}, doubled ${doubled}${outcome.problems.length ? `; ${outcome.problems.join('; ')}` : ''}`);
  }
  return {
    scale,
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    passed: reports.every((r) => r.passed),
    scenarios: reports,
  };
}
