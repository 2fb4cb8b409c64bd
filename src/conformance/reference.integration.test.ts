// The reference broker passes every applicable suite case under every configuration the suites need.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { CaseSpec } from '../scenario/model.ts';
import { type ReferenceTarget, startReference } from '../transport/testing/peers/reference.ts';
import { bundledCases, conformAgainst, describeFailures } from './testing/reference.ts';

/** A broker that redirects every CONNECT can only run the cases about redirection. */
const aboutRedirection = (c: CaseSpec): boolean =>
  Boolean((c.requires.profile as Record<string, unknown> | undefined)?.serverRedirection);

const CONFIGS: Array<[config: string, profile: string, only?: (c: CaseSpec) => boolean]> = [
  ['default', 'reference-default'],
  ['no-link-stealing', 'reference-no-link-stealing'],
  ['limits', 'reference-limits'],
  ['auth', 'reference-auth'],
  ['auth-noclose', 'reference-auth-noclose'],
  ['qos1', 'reference-qos1'],
  ['redirect', 'reference-redirect', aboutRedirection],
  ['persistent', 'reference-default'],
];

describe('reference broker against the bundled suites', () => {
  const running: ReferenceTarget[] = [];
  after(async () => {
    await Promise.all(running.map((r) => r.broker.close()));
  });

  for (const [config, profile, only] of CONFIGS) {
    test(`configuration ${config}: every applicable case passes`, async () => {
      const target = await startReference(config);
      running.push(target);
      const cases = (await bundledCases()).filter((c) => !only || only(c));
      const results = await conformAgainst(target, profile, cases);
      await target.broker.close();
      const ran = results.filter((r) => r.outcome !== 'not-applicable');
      assert.ok(results.length > 0, 'the suites are not empty');
      const failures = describeFailures(results);
      assert.equal(failures, '', `cases failing against the reference broker (${config}):\n${failures}`);
      if (config === 'default')
        assert.ok(ran.length > results.length / 2, 'most cases apply to the default configuration');
    });
  }
});
