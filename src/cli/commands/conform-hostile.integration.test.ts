// `crucible conform` against a broker that floods every connection with unsolicited PUBLISH packets:
// the run finishes, every flooded case fails naming what arrived, and results.json is written.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEvilBroker } from '../../engine/testing/evil-broker.ts';
import type { ResultsDocument } from '../../results/model.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');

test('conform against a flooding broker ends with results, failing the flooded cases', async () => {
  const evil = await startEvilBroker('flood');
  const out = mkdtempSync(join(tmpdir(), 'crucible-flood-'));
  try {
    const code = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          MAIN,
          'conform',
          `mqtt://127.0.0.1:${evil.port}`,
          '--version',
          '3.1.1',
          '--only',
          'publish.*',
          '--reporter',
          'json',
          '--out',
          out,
        ],
        { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
        (err) => resolve(err ? (typeof err.code === 'number' ? err.code : -1) : 0),
      );
    });
    assert.equal(code, 1);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const cases = doc.conformance?.cases ?? [];
    assert.ok(cases.length > 0);
    // the flood shows as the flood itself, or as the packets that came instead of the expected one
    assert.ok(
      cases.some((c) => /flood|got PUBLISH/.test(c.reason ?? '')),
      'some case names what arrived',
    );
    assert.ok(
      cases.every((c) => c.outcome !== 'pass'),
      'no case passes against a flooding broker',
    );
  } finally {
    await evil.stop();
  }
});
