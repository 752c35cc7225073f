// Debian's Chromium driven by playwright-core (no browser download): one headless browser per
// test file, pages that record console errors and uncaught exceptions, screenshots in a temp folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function chromiumPath(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  let found = '';
  try {
    found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    // `which` exits non-zero when it finds nothing: reported below.
  }
  if (!found) throw new Error(`Chromium not found at ${CHROMIUM} nor on PATH: install Debian's chromium package (apt-get install chromium)`);
  return found;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  readonly errors: string[];
}

export async function openPage(browser: Browser, width: number, height = 900): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return { page, errors };
}

/** A temp folder for screenshots, printed so a person can look at them. */
export function screenshotFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  console.log(`dashboard screenshots: ${dir}`);
  return dir;
}
