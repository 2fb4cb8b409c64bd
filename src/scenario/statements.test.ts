import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { STATEMENTS } from './statement-ids.ts';
import { SHARED_SPEC_DIR, specVersionOf, statementIndex, statementInfo } from './statements.ts';

const shared = existsSync(join(SHARED_SPEC_DIR, 'mqtt-5.0-statements.tsv'));

describe('statement inventory', () => {
  test('the committed copy has both versions with every column', () => {
    for (const v of ['3.1.1', '5.0'] as const)
      assert.ok(STATEMENTS.filter((s) => s.version === v).length > 100);
    for (const s of STATEMENTS) {
      assert.match(s.id, /^MQTT-\d/);
      assert.ok(s.section && s.who && s.testable && s.paraphrase, `incomplete row ${s.id}`);
    }
  });

  test('the committed copy matches shared/spec (regenerate with node scripts/gen-statement-ids.mjs)', {
    skip: shared ? false : 'shared/spec not present',
  }, () => {
    for (const v of ['3.1.1', '5.0'] as const) {
      const lines = readFileSync(join(SHARED_SPEC_DIR, `mqtt-${v}-statements.tsv`), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(1);
      const ids = lines.map((l) => l.split('\t')[0]);
      assert.deepEqual(
        STATEMENTS.filter((s) => s.version === v).map((s) => s.id),
        ids,
      );
    }
  });

  test('lookup per version; 3.1 cites the 3.1.1 inventory', () => {
    assert.equal(specVersionOf('3.1'), '3.1.1');
    const any311 = STATEMENTS.find((s) => s.version === '3.1.1')!;
    assert.equal(statementInfo('3.1', any311.id)?.id, any311.id);
    assert.equal(statementInfo('3.1.1', 'MQTT-0.0.0-0'), undefined);
    assert.ok(statementIndex().get('5.0')!.size > 100);
  });
});
