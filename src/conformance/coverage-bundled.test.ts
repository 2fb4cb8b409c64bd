// The bundled suites keep the coverage promise: every statement a server can be tested for over the network
// ('yes') and at least 90% of the 'partial' ones are cited by a case, in 3.1.1 and 5.0, and in 3.1 against its own list (src/scenario/statements-31.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COVERAGE_TARGETS, computeCoverage, formatCoverageText, meetsTargets } from './coverage.ts';
import { loadSuites } from './suites.ts';

test('bundled suites meet the coverage targets in 3.1, 3.1.1 and 5.0', async () => {
  const { cases, problems } = await loadSuites();
  assert.deepEqual(problems, [], 'the bundled suites load without problems');
  const coverage = computeCoverage(cases);
  assert.deepEqual(
    coverage.map((c) => c.version),
    ['3.1', '3.1.1', '5.0'],
  );
  for (const c of coverage) {
    assert.ok(
      meetsTargets(c),
      `MQTT ${c.version} below ${COVERAGE_TARGETS.yes}% yes / ${COVERAGE_TARGETS.partial}% partial:\n${formatCoverageText([c])}`,
    );
  }
});
