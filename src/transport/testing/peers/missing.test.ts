// The one rule for a missing peer: any non-empty CI fails with how to install it; anywhere else the test skips.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { binaryMissing, requirePeer, skipReason } from './missing.ts';

describe('a missing peer', () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  const why = binaryMissing(join(tmpdir(), 'crucible-no-such-broker'), 'mosquitto');

  test('is named with the apt-get line that installs it; a present one is not', () => {
    assert.match(
      why ?? '',
      /crucible-no-such-broker not found \(install it with `apt-get install -y mosquitto`\)/,
    );
    assert.equal(binaryMissing(process.execPath, 'nodejs'), undefined);
  });

  test('fails under any non-empty CI (1, true, yes), naming how to install it', () => {
    for (const ci of ['1', 'true', 'yes']) {
      process.env.CI = ci;
      assert.throws(() => skipReason(why), /integration peer missing: .*apt-get install -y mosquitto/, ci);
    }
  });

  test('is a reason to skip outside CI (CI unset or empty); a present peer is no reason', () => {
    delete process.env.CI;
    assert.equal(skipReason(why), why);
    process.env.CI = '';
    assert.equal(skipReason(why), why);
    process.env.CI = '1';
    assert.equal(skipReason(undefined), false);
  });

  test('inside a test: CI=1 fails it (the reference broker tests once skipped unless CI was exactly "true")', (t) => {
    process.env.CI = '1';
    assert.throws(() => requirePeer(t, why), /apt-get install -y mosquitto/);
    assert.equal(requirePeer(t, undefined), true);
  });
});
