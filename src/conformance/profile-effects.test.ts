// Profile keys take effect: `features:` replaces detected capabilities, and the MUSTs that run by default
// (link stealing, keep-alive enforcement) are opted out of only with a reason the report shows.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CaseSpec } from '../scenario/model.ts';
import { DEFAULT_CAPABILITIES } from './capabilities.ts';
import { loadProfile, withFeatures } from './profile.ts';
import { unmetRequirement } from './requirements.ts';

function spec(requires: Record<string, unknown>, version: CaseSpec['version'] = '5.0'): CaseSpec {
  return {
    id: 'x',
    baseId: 'x',
    title: 'x',
    description: undefined,
    expectation: undefined,
    area: 'x',
    version,
    level: 'must',
    statements: [],
    requires,
    params: {},
    clients: {},
    defaultTimeoutMs: 2000,
    steps: [],
    loc: { file: 'x.yaml', line: 1, column: 1 },
  };
}

function profileFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'crucible-profile-')), 'p.yaml');
  writeFileSync(file, text);
  return file;
}

test('features: replace the detected capabilities, so a case the profile rules out is not applicable', () => {
  const { profile, problems } = loadProfile(
    profileFile('features: { retainAvailable: false, maximumQoS: 1 }\n'),
  );
  assert.deepEqual(problems, []);
  const caps = withFeatures(DEFAULT_CAPABILITIES, profile);
  assert.match(
    unmetRequirement(spec({ retainAvailable: true }), caps, profile) ?? '',
    /retainAvailable is false/,
  );
  // pinned by the profile, the 3.1.1 grant detected by the probe does not override it
  const detected = { ...caps, mqtt311MaximumQoS: 2 };
  assert.match(
    unmetRequirement(spec({ maximumQoS: 2 }, '3.1.1'), detected, profile) ?? '',
    /maximumQoS is 1/,
  );
});

test('features: unknown keys and wrong types are problems with their line', () => {
  const { problems } = loadProfile(
    profileFile('label: x\nfeatures:\n  retainAvailable: "no"\n  colour: blue\n'),
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [3, 'features.retainAvailable'],
      [4, 'features.colour'],
    ],
  );
});

test('link stealing and keep-alive enforcement run without a profile key', () => {
  for (const key of ['linkStealing', 'keepAliveEnforced'])
    assert.equal(
      unmetRequirement(spec({ profile: { [key]: { $not: false } } }), DEFAULT_CAPABILITIES, {}),
      undefined,
    );
});

test('opting out needs a reason, and the not-applicable reason shows it', () => {
  const bare = loadProfile(profileFile('linkStealing: false\n'));
  assert.equal(bare.problems.length, 1);
  assert.match(bare.problems[0]?.message ?? '', /reasons\.linkStealing/);
  const { profile, problems } = loadProfile(
    profileFile(
      'keepAliveEnforced: false\nreasons: { keepAliveEnforced: "the broker never times clients out" }\n',
    ),
  );
  assert.deepEqual(problems, []);
  const why = unmetRequirement(
    spec({ profile: { keepAliveEnforced: { $not: false } } }),
    DEFAULT_CAPABILITIES,
    profile,
  );
  assert.equal(why, 'the profile opts out (keepAliveEnforced: false): the broker never times clients out');
});
