// The load tab in headless Chromium (playwright-core, Debian's /usr/bin/chromium) for a run whose profile has
// one phase and no faults: no caption under its charts, and no stray text in its place.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { loadDoc } from '../test-fixtures.ts';
import { renderHtml } from './index.ts';
import { chromiumSkip, launchChromium } from './testing/chromium.ts';

const skip = await chromiumSkip();

describe('HTML load tab without phases (Chromium)', {
  skip,
}, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crucible-html-load-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(loadDoc()), 'utf8');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${pathToFileURL(file).href}#load`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a chart without phases, faults or left-out seconds has no caption, and nothing stands in for it', async () => {
    await page.waitForSelector('#panel-load canvas');
    assert.equal(await page.locator('#panel-load .chart-note').count(), 0);
    const strayText = await page
      .locator('#panel-load')
      .evaluate((el) =>
        [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent),
      );
    assert.deepEqual(strayText, []);
    assert.deepEqual(errors, []);
  });
});
