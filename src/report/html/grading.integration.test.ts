// The HTML report in headless Chromium grades cases like every other view: a case is (broker, version, id)
// in the list and the matrix, an expected deviation is tagged "expected" (not counted as failing), a flaky
// case is tagged "flaky", and the header is the verdict of the exit code. Saves
// reports/test-artifacts/report-grading.png.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { statementVerdicts, summarize } from '../../results/document.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { conformanceDoc } from '../test-fixtures.ts';
import { verdictOf } from '../verdict.ts';
import { renderHtml } from './index.ts';
import { chromiumSkip, launchChromium } from './testing/chromium.ts';

const ARTIFACTS = join(process.cwd(), 'reports', 'test-artifacts');
const skip = await chromiumSkip();

/** Two brokers, the same case ids in 3.1.1 and 5.0, one expected deviation and one flaky case. */
function gradedDoc(): ResultsDocument {
  const doc = conformanceDoc();
  const cases = doc.conformance?.cases ?? [];
  for (const c of cases) c.id = c.id.replace(/@.*$/, '');
  for (const c of cases) {
    if (c.broker !== 'mosquitto') continue;
    if (c.id === 'connect.reserved-flag' && c.version === '3.1.1')
      c.baseline = {
        status: 'expected',
        entry: { outcome: 'fail', kind: 'deviation', why: 'accepts the reserved flag', source: 'b.yaml:1' },
      };
    else if (c.id === 'connect.reserved-flag') Object.assign(c, { attempts: ['pass', 'fail'], flaky: true });
    else if (c.outcome !== 'pass' && c.outcome !== 'not-applicable' && c.outcome !== 'informational')
      c.baseline = {
        status: 'expected',
        entry: { outcome: c.outcome, kind: 'variation', why: 'known', source: 'b.yaml:2' },
      };
  }
  if (doc.conformance) {
    doc.conformance.statements = statementVerdicts(cases);
    doc.conformance.summary = summarize(cases);
  }
  doc.run.baseline = { source: 'b.yaml', entries: 2 };
  return doc;
}

describe('HTML grading in Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const doc = gradedDoc();
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crucible-html-grading-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(doc), 'utf8');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the header is the verdict of the exit code, expected deviations not counted as failing', async () => {
    const v = verdictOf(doc);
    assert.equal(v.exitCode, 1, 'the flaky 5.0 failure (and the reference errors) still fail the run');
    assert.equal(await page.locator('#verdict').textContent(), v.headline);
    assert.match(v.headline, /^FAIL: 1 failing case, 2 case errors \(5 expected deviations, 1 flaky\)$/);
    const card = page.locator('.card', { hasText: 'mosquitto' }).first();
    const failing = card.locator('.stat', { hasText: 'failing' }).locator('.big');
    assert.equal(await failing.textContent(), '1');
    assert.match((await card.textContent()) ?? '', /expected \(baseline\)/);
    assert.deepEqual(errors, []);
  });

  test('cases are (broker, version, id): list rows and matrix rows per version, with expected and flaky tags', async () => {
    await page.goto(`${page.url().split('#')[0]}#cases`);
    const row = (version: string) =>
      page.locator(
        `#case-table tr.case-row[data-broker="mosquitto"][data-id="connect.reserved-flag"][data-version="${version}"]`,
      );
    assert.equal(await row('3.1.1').count(), 1);
    assert.equal(await row('5.0').count(), 1);
    assert.equal(await row('3.1.1').getAttribute('data-baseline'), 'expected');
    assert.equal(await row('3.1.1').locator('.tag-expected').count(), 1);
    assert.equal(await row('5.0').getAttribute('data-flaky'), 'true');
    assert.equal(await row('5.0').locator('.tag-flaky').count(), 1);
    // Opening one version's detail does not open the other's.
    await row('3.1.1').click();
    assert.equal(await page.locator('#case-table tr.detail-row:not(.hidden)').count(), 1);
    assert.match(
      (await page.locator('#case-table tr.detail-row:not(.hidden)').textContent()) ?? '',
      /expected: baseline says fail \(deviation, b\.yaml:1\)/,
    );
    await page.click('#matrix-toggle');
    const mrows = page.locator('#matrix-table tr.matrix-row[data-id="connect.reserved-flag"]');
    assert.equal(await mrows.count(), 2, 'one matrix row per version');
    assert.equal(await page.locator('#matrix-table tr.matrix-row').count(), 16);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-grading.png'), fullPage: false });
    await page.click('#matrix-toggle');
    assert.deepEqual(errors, []);
  });
});
