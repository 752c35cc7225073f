// Renders page 1 of a PDF to PNG with Debian's Chromium (its built-in PDF viewer), for the
// README's pictures of the report packs: node scripts/pdf-page-png.mjs <in.pdf> <out.png>.
// No poppler here; playwright-core drives /usr/bin/chromium without downloading a browser.
import { Buffer } from 'node:buffer';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/pdf-page-png.mjs <in.pdf> <out.png>\n');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  // A4 landscape at 1.5 × 96 dpi, with the viewer's toolbar off and the page fitted to the window.
  const page = await browser.newPage({ viewport: { width: 1263, height: 893 } });
  await page.goto(`file://${resolve(input)}#toolbar=0&navpanes=0&view=Fit`);
  // The viewer renders in a plugin frame that tells the page nothing: wait until two screenshots agree.
  let previous = Buffer.alloc(0);
  for (let i = 0; i < 30; i++) {
    await page.waitForTimeout(1000);
    const shot = await page.screenshot();
    if (shot.length > 20_000 && shot.equals(previous)) break;
    previous = shot;
  }
  await page.screenshot({ path: output });
} finally {
  await browser.close();
}
