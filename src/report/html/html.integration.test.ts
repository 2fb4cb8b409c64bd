// Opens the rendered HTML report in headless Chromium (playwright-core, Debian's /usr/bin/chromium):
// no console errors, no network requests, filters work, a failed case shows its transcript, the
// charts draw with data. Saves a screenshot to reports/test-artifacts/report.png.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { fullDoc } from '../test-fixtures.ts';
import { renderHtml } from './index.ts';
import { chromiumSkip, launchChromium } from './testing/chromium.ts';

const ARTIFACTS = join(process.cwd(), 'reports', 'test-artifacts');

const skip = await chromiumSkip();

describe('HTML report in Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let url: string;
  const consoleErrors: string[] = [];
  const blocked: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crucible-html-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(fullDoc()), 'utf8');
    url = pathToFileURL(file).href;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // Nothing but the file itself (and inline data: URLs) may be requested.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:') || u.startsWith('data:')) return route.continue();
      blocked.push(u);
      return route.abort();
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('renders the summary without console errors or network requests', async () => {
    assert.match((await page.textContent('#verdict')) ?? '', /FAIL/);
    const cards = await page.locator('#panel-overview .card:not(.capabilities)').count();
    assert.equal(cards, 3, 'two broker cards and one load card');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(blocked, []);
  });

  test('the overview shows what was detected and why cases were not applicable', async () => {
    const card = page.locator('#panel-overview .card', { hasText: 'reference' }).first();
    assert.match((await card.locator('details.caps').textContent()) ?? '', /maximum QoS \(5\.0\)\s*2/);
    const na = (await card.locator('details.na-reasons').textContent()) ?? '';
    assert.match(na, /Not applicable: \d+/);
    assert.match(na, /×/);
  });

  test('outcome, broker and text filters change the visible rows', async () => {
    await page.click('nav.tabs a[data-tab="cases"]');
    const rows = page.locator('#case-table tr.case-row');
    assert.equal(await rows.count(), 32);
    for (const o of ['pass', 'non-strict', 'informational', 'not-applicable', 'error']) {
      await page.click(`#outcome-filter [data-outcome="${o}"]`);
    }
    assert.equal(await rows.count(), 2, 'only the two mosquitto failures remain');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))), [
      'fail',
      'fail',
    ]);
    await page.click('#outcome-filter [data-outcome="pass"]');
    await page.selectOption('#filter-broker', 'reference');
    assert.equal(await rows.count(), 8, 'reference passes 8 cases');
    await page.selectOption('#filter-area', 'connect');
    assert.equal(await rows.count(), 4);
    await page.selectOption('#filter-area', '');
    await page.selectOption('#filter-broker', '');
    await page.fill('#filter-q', 'MQTT-4.3.3-2');
    assert.equal(await rows.count(), 4, 'the statement search finds its case on both brokers and versions');
    await page.fill('#filter-q', '');
    for (const o of ['non-strict', 'informational', 'not-applicable', 'error']) {
      await page.click(`#outcome-filter [data-outcome="${o}"]`);
    }
    assert.equal(await rows.count(), 32);
  });

  test('the matrix shows cases by broker', async () => {
    await page.click('#matrix-toggle');
    assert.equal(await page.locator('#matrix-table tr.matrix-row').count(), 16);
    const headers = await page.locator('#matrix-table thead th').allTextContents();
    assert.deepEqual(headers.slice(3), ['reference', 'mosquitto']);
    // A cell opens that case on that broker in the list view, detail expanded.
    await page.click('#matrix-table tr.matrix-row:has-text("connect.reserved-flag@5.0") td.cell >> nth=1');
    const rows = page.locator('#case-table tr.case-row');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-broker'), 'mosquitto');
    assert.equal(await page.locator('#case-table tr.detail-row:not(.hidden)').count(), 1);
    await page.fill('#filter-q', '');
    await page.selectOption('#filter-broker', '');
    await page.selectOption('#filter-version', '');
    await page.dispatchEvent('#filter-q', 'input');
    assert.equal(await rows.count(), 32);
    // Close the detail opened from the matrix again.
    await page.click('#case-table tr.case-row.open');
  });

  test('a failed case shows expected, actual and its decoded transcript with raw hex on demand', async () => {
    await page.click('#case-table tr.case-row[data-outcome="fail"][data-broker="mosquitto"] >> nth=0');
    const detail = page.locator('#case-table tr.detail-row:not(.hidden)').first();
    const text = (await detail.textContent()) ?? '';
    assert.match(text, /Expected/);
    assert.match(text, /"qos": 2/);
    assert.match(text, /PUBLISH qos=1 id=3/);
    assert.match(text, /MQTT-3.1.2-3/);
    const transcriptRows = detail.locator('table.transcript tbody tr');
    assert.equal(await transcriptRows.count(), 11);
    const hex = detail.locator('table.transcript td.hex').first();
    assert.equal(await hex.isVisible(), false);
    await detail.locator('.hex-toggle').click();
    assert.equal(await hex.isVisible(), true);
    // Markup inside data stays text: the transcript hex contains "</script>" and the payload "<b>".
    assert.match(text, /payload="hi <b>&<\/b>"/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'report-cases.png'), fullPage: true });
  });

  test('the load charts draw with data', async () => {
    await page.click('nav.tabs a[data-tab="load"]');
    await page.waitForSelector('#panel-load canvas');
    const charts = await page.evaluate(() =>
      (
        window as unknown as {
          __crucible: { charts: Array<{ title: string; points: number; series: number }> };
        }
      ).__crucible.charts.map((c) => ({ title: c.title, points: c.points, series: c.series })),
    );
    assert.equal(charts.length, 3);
    for (const c of charts) {
      assert.ok(c.points > 0, `${c.title} has data`);
      assert.ok(c.series > 0, `${c.title} has series`);
    }
    const sizes = await page
      .locator('#panel-load canvas')
      .evaluateAll((els) =>
        els.map((e) => ({ w: (e as HTMLCanvasElement).width, h: (e as HTMLCanvasElement).height })),
      );
    assert.equal(sizes.length, 3);
    for (const s of sizes) assert.ok(s.w > 0 && s.h > 0);
    const thresholds = await page.locator('#panel-load .bad-t').allTextContents();
    assert.ok(thresholds.some((t) => t.includes('fail')));
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(blocked, []);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  });
});
