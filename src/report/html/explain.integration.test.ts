// The parts of the HTML report that explain it, in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium): the interrupted banner, statement text next to its id, failing cases marked under each
// statement, detected capabilities, rows and links reachable by keyboard, filter state in the URL (a link
// restores it), charts without a fake zero for the last partial second, and phase boundaries. Saves
// reports/test-artifacts/report-explain-*.png.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ResultsDocument } from '../../results/model.ts';
import { statementInfo } from '../../scenario/statements.ts';
import { fullDoc } from '../test-fixtures.ts';
import { renderHtml } from './index.ts';
import { chromiumSkip, launchChromium } from './testing/chromium.ts';

const ARTIFACTS = join(process.cwd(), 'reports', 'test-artifacts');
const skip = await chromiumSkip();

/** The full fixture, interrupted by SIGTERM 4.5 s into a load run of two phases (ramp 2 s, steady 2.5 s). */
function explainDoc(): ResultsDocument {
  const doc = fullDoc();
  doc.run.interrupted = { signal: 'SIGTERM', at: '2026-01-01T10:00:14.500Z' };
  const r = doc.load?.[0];
  assert.ok(r);
  r.durationMs = 4500;
  r.profile = {
    ...r.profile,
    phases: [
      { name: 'ramp', type: 'ramp', durationMs: 2000, from: 0.2, to: 1 },
      { name: 'steady', type: 'steady', durationMs: 2500, from: 1, to: 1 },
    ],
  };
  // A repeated link cut from 1 s to 3 s and a broker restart at 3.5 s (back at 4 s)
  r.faultPhases = [
    { name: 'cuts', kind: 'fault', type: 'reset', startMs: 1000, endMs: 3000, everyMs: 200, applied: 11 },
    {
      name: 'bounce',
      kind: 'restart',
      type: 'restart',
      startMs: 3500,
      endMs: 4000,
      restart: { command: 'true', exitCode: 0, signal: null, commandMs: 5, backAfterMs: 495, output: '' },
    },
  ];
  // Seconds 0-3 full, second 4 covers 0.5 s (half the messages), then two seconds of drain.
  r.series = {
    t: [0, 1, 2, 3, 4, 5, 6],
    sent: [200, 600, 1000, 1000, 500, 0, 0],
    acked: [200, 600, 1000, 1000, 500, 0, 0],
    delivered: [400, 1200, 2000, 2000, 1000, 6, 0],
    connected: [12, 12, 12, 12, 12, 12, 12],
    errors: [0, 0, 0, 0, 0, 0, 0],
    p50: [0.8, 0.9, 0.9, 0.8, 0.9, null, null],
    p99: [2, 2.4, 2.1, 2.2, 2.5, null, null],
    max: [5, 6, 5, 7, 6, null, null],
  };
  return doc;
}

describe('HTML report: the parts that explain it (Chromium)', {
  skip,
}, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let url: string;
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crucible-html-explain-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(explainDoc()), 'utf8');
    url = pathToFileURL(file).href;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:') || u.startsWith('data:')) return route.continue();
      errors.push(`network: ${u}`);
      return route.abort();
    });
    page = await open(url);
  });

  async function open(at: string): Promise<Page> {
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(at);
    await p.waitForSelector('body[data-ready="true"]');
    return p;
  }

  async function shot(p: Page, name: string): Promise<void> {
    await mkdir(ARTIFACTS, { recursive: true });
    await p.screenshot({ path: join(ARTIFACTS, `report-explain-${name}.png`), fullPage: true });
  }

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the header says the run was interrupted, and by which signal', async () => {
    const banner = page.locator('header.top #interrupted');
    assert.equal(await banner.isVisible(), true);
    assert.match((await banner.textContent()) ?? '', /Interrupted by SIGTERM at 2026-01-01T10:00:14\.500Z/);
    assert.match((await page.textContent('#verdict')) ?? '', /^INTERRUPTED by SIGTERM/);
    assert.match(await page.title(), /INTERRUPTED/);
  });

  test('detected capabilities are listed per broker', async () => {
    const card = page.locator('#capabilities .card[data-broker="reference"]');
    assert.equal(await card.count(), 1);
    assert.match((await card.textContent()) ?? '', /maximumQoS\s*2/);
    await shot(page, 'overview');
  });

  test('statements show their text and mark the failing cases under them', async () => {
    await page.click('nav.tabs a[data-tab="statements"]');
    const row = page.locator('#stmt-3\\.1\\.1-MQTT-3\\.1\\.2-3');
    const text = statementInfo('3.1.1', 'MQTT-3.1.2-3')?.paraphrase;
    assert.ok(text);
    assert.equal(((await row.locator('.stmt-text').textContent()) ?? '').startsWith(text), true);
    const failing = row.locator('ul.stmt-cases li.case-failing');
    assert.equal(await failing.count(), 1);
    assert.equal(await failing.getAttribute('data-case'), 'connect.reserved-flag@3.1.1');
    assert.match((await failing.textContent()) ?? '', /fail.*connect\.reserved-flag@3\.1\.1.*on mosquitto/);
    // A passing statement has no failing case marked.
    const passing = page.locator('#stmt-3\\.1\\.1-MQTT-3\\.1\\.0-1');
    assert.equal(await passing.locator('li.case-failing').count(), 0);
    assert.equal(await passing.locator('li a').count(), 1);
    await shot(page, 'statements');
    // The failing case's link opens it: its broker and version, its detail open.
    await failing.locator('a').click();
    const rows = page.locator('#case-table tr.case-row');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-broker'), 'mosquitto');
    assert.equal(await rows.first().getAttribute('aria-expanded'), 'true');
    assert.match(
      (await page.locator('#case-table tr.detail-row:not(.hidden) .stmt-list').textContent()) ?? '',
      new RegExp(`MQTT-3\\.1\\.2-3 ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  test('filter state is in the URL, and that URL restores it', async () => {
    await page.click('nav.tabs a[data-tab="cases"]');
    await page.selectOption('#filter-broker', '');
    await page.selectOption('#filter-version', '5.0');
    await page.fill('#filter-q', '');
    for (const o of ['pass', 'non-strict', 'informational', 'not-applicable'])
      await page.click(`#outcome-filter [data-outcome="${o}"]`);
    const shown = await page
      .locator('#case-table tr.case-row')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-broker')} ${e.getAttribute('data-id')}`));
    assert.ok(shown.length > 0);
    const link = page.url();
    assert.match(link, /#cases\?/);
    assert.match(decodeURIComponent(link), /outcome=fail,error/);
    assert.match(link, /version=5\.0/);
    const other = await open(link);
    const again = await other
      .locator('#case-table tr.case-row')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-broker')} ${e.getAttribute('data-id')}`));
    assert.deepEqual(again, shown);
    assert.equal(await other.inputValue('#filter-version'), '5.0');
    assert.equal(await other.getAttribute('#outcome-filter [data-outcome="pass"]', 'aria-pressed'), 'false');
    await other.close();
  });

  test('case rows and statement links are reachable and usable by keyboard', async () => {
    const p = await open(`${url}#cases`);
    // Tab from the top of the page until a case row has the focus; Enter opens it.
    let focused = '';
    for (let i = 0; i < 60 && focused !== 'case-row'; i++) {
      await p.keyboard.press('Tab');
      focused = await p.evaluate(() => document.activeElement?.className.split(' ')[0] ?? '');
    }
    assert.equal(focused, 'case-row', 'a case row takes the focus');
    await p.keyboard.press('Enter');
    const row = p.locator('#case-table tr.case-row:focus');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    assert.equal(await p.locator('#case-table tr.detail-row:not(.hidden)').count(), 1);
    assert.match(p.url(), /open=/, 'the open case is in the URL');
    // The statement link in the detail is a real link: the next tab stops reach it, Enter follows it.
    let onLink = false;
    for (let i = 0; i < 10 && !onLink; i++) {
      await p.keyboard.press('Tab');
      onLink = await p.evaluate(() => document.activeElement?.classList.contains('stmt-link') ?? false);
    }
    assert.ok(onLink, 'the statement link takes the focus');
    const id = await p.evaluate(() => document.activeElement?.textContent ?? '');
    await p.keyboard.press('Enter');
    await p.waitForFunction((q) => (document.getElementById('filter-q') as HTMLInputElement).value === q, id);
    assert.match(decodeURIComponent(p.url()), new RegExp(`q=${id}`));
    // Space closes an open row too.
    await p.locator('#case-table tr.case-row').first().focus();
    await p.keyboard.press(' ');
    await p.keyboard.press(' ');
    assert.equal(await p.locator('#case-table tr.case-row').first().getAttribute('aria-expanded'), 'false');
    await p.close();
  });

  test('charts: no fake zero for the last partial second, drain left out, phase boundaries and fault phases marked', async () => {
    await page.click('nav.tabs a[data-tab="load"]');
    await page.waitForSelector('#panel-load canvas');
    const charts = await page.evaluate(() =>
      (
        window as unknown as {
          __crucible: {
            charts: Array<{ title: string; data: Array<Array<number | null>>; phases: unknown[] }>;
          };
        }
      ).__crucible.charts.map((c) => ({ title: c.title, data: c.data, phases: c.phases })),
    );
    const tp = charts.find((c) => c.title.startsWith('Throughput'));
    assert.ok(tp, JSON.stringify(charts.map((c) => c.title)));
    // Seconds 0..4: second 4 covered 0.5 s with 500 sent, charted as 1000/s; the drain seconds are not drawn.
    assert.deepEqual(tp.data[0], [0, 1, 2, 3, 4]);
    assert.deepEqual(tp.data[1], [200, 600, 1000, 1000, 1000]);
    assert.deepEqual(tp.data[3], [400, 1200, 2000, 2000, 2000]);
    assert.deepEqual(tp.phases, [
      { name: 'ramp', at: 0 },
      { name: 'steady', at: 2 },
      { name: 'reset cuts', at: 1, to: 3, fault: true },
      { name: 'restart bounce', at: 3.5, to: 4, fault: true },
    ]);
    const lat = charts.find((c) => c.title.startsWith('Delivery latency over time'));
    assert.deepEqual(lat?.data[0], [0, 1, 2, 3, 4]);
    const note = (await page.locator('#panel-load .chart-note').first().textContent()) ?? '';
    assert.match(note, /phases: ramp from 0 s, steady from 2 s/);
    assert.match(note, /faults \(red\): reset cuts 1-3 s, restart bounce 3\.5-4 s/);
    assert.match(note, /last second covers 0\.5 s/);
    assert.match(note, /drain after publishing ended is not charted/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'load');
    assert.deepEqual(errors, []);
  });
});
