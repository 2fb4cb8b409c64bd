// The committed baselines of suites/baselines: every entry says in one line whether it is a genuine deviation or a
// false alarm of the harness that is being fixed, and names a statement of its version that exists.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { STATEMENTS } from '../scenario/statement-ids.ts';
import { MQTT31_STATEMENTS } from '../scenario/statements-31.ts';
import { loadBaseline } from './baseline.ts';
import { REPO_ROOT } from './suites.ts';

const DIR = join(REPO_ROOT, 'suites', 'baselines');
const KNOWN = new Set([
  ...STATEMENTS.map((s) => `${s.version} ${s.id}`),
  // MQTT 3.1 cases cite the 3.1.1 statements whose rule 3.1 already states (statements-31.ts)
  ...MQTT31_STATEMENTS.map((id) => `3.1 ${id}`),
]);
/** Harness false alarms with a fix under way; an entry naming one is dropped once the fix is in. */
const PENDING_CLASSES = [
  'allowed QoS downgrade',
  'nested matchers',
  'fewer in flight',
  'unsafe topic characters',
  'refused probe',
  'credentials in raw CONNECTs',
  'wrong level/timing',
];
const WHY = new RegExp(
  `^(genuine\\b|false alarm: (${PENDING_CLASSES.map((c) => c.replace(/[/]/g, '\\/')).join('|')}), fixed separately\\b)`,
);

describe('committed baselines', () => {
  for (const broker of readdirSync(DIR).sort()) {
    test(broker, () => {
      const { entries, problems } = loadBaseline(join(DIR, broker));
      assert.deepEqual(problems, []);
      assert.ok(entries.length > 0, 'a baseline directory holds at least one entry');
      const seen = new Set<string>();
      const bad: string[] = [];
      for (const e of entries) {
        const at = `${e.file}:${e.line} ${e.case}`;
        const key = `${e.version ?? '*'} ${e.case}`;
        if (seen.has(key)) bad.push(`${at}: listed twice`);
        seen.add(key);
        if (!e.version) bad.push(`${at}: version is required (case ids repeat across versions)`);
        if (!e.statement) bad.push(`${at}: statement (the one the broker breaks) is required`);
        else if (e.version && !KNOWN.has(`${e.version} ${e.statement}`))
          bad.push(`${at}: ${e.statement} is not a statement of MQTT ${e.version}`);
        if (/\n/.test(e.why.trim())) bad.push(`${at}: why is one line`);
        if (!WHY.test(e.why))
          bad.push(`${at}: why starts with "genuine" or "false alarm: <pending class>, fixed separately"`);
      }
      assert.deepEqual(bad, []);
    });
  }
});
