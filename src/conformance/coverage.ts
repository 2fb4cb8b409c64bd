// Statement coverage: which normative statements a server can be tested for (testable yes/partial) the suites
// cite, per version, and which they do not.

import { compareIds } from '../results/document.ts';
import type { CaseSpec } from '../scenario/model.ts';
import { type StatementInfo, statementIndex } from '../scenario/statements.ts';
import { mqtt31Statements } from '../scenario/statements-31.ts';

type CoverageVersion = '3.1' | '3.1.1' | '5.0';

interface CoverageBucket {
  total: number;
  covered: number;
  percent: number;
  uncovered: StatementInfo[];
}

interface VersionCoverage {
  version: CoverageVersion;
  yes: CoverageBucket;
  partial: CoverageBucket;
  /** Statements marked not testable over the network that cases still cite. */
  citedUntestable: string[];
  /** Statement id -> ids of the cases citing it. */
  cases: Record<string, string[]>;
}

/** Targets from the project's promise: every 'yes' statement, and at least 90% of 'partial' ones. */
export const COVERAGE_TARGETS = { yes: 100, partial: 90 } as const;

export function computeCoverage(
  cases: readonly CaseSpec[],
  versions: ReadonlyArray<CoverageVersion> = ['3.1', '3.1.1', '5.0'],
): VersionCoverage[] {
  const index = statementIndex();
  return versions.map((version) => {
    // 3.1: the 3.1.1 statements MQTT 3.1 also states (src/scenario/statements-31.ts); each version counts
    // only its own cases
    const statements = version === '3.1' ? mqtt31Statements() : index.get(version);
    const inventory = [...(statements?.values() ?? [])].sort((a, b) => compareIds(a.id, b.id));
    const byStatement: Record<string, string[]> = {};
    for (const c of cases) {
      if (c.version !== version) continue;
      for (const s of c.statements) {
        const list = byStatement[s] ?? [];
        if (!list.includes(c.baseId)) list.push(c.baseId);
        byStatement[s] = list;
      }
    }
    const bucket = (testable: string): CoverageBucket => {
      const all = inventory.filter((s) => s.testable === testable);
      const uncovered = all.filter((s) => !byStatement[s.id]);
      const covered = all.length - uncovered.length;
      return {
        total: all.length,
        covered,
        percent: all.length ? (100 * covered) / all.length : 100,
        uncovered,
      };
    };
    return {
      version,
      yes: bucket('yes'),
      partial: bucket('partial'),
      citedUntestable: inventory.filter((s) => s.testable === 'no' && byStatement[s.id]).map((s) => s.id),
      cases: byStatement,
    };
  });
}

export function meetsTargets(c: VersionCoverage): boolean {
  return c.yes.percent >= COVERAGE_TARGETS.yes && c.partial.percent >= COVERAGE_TARGETS.partial;
}

export function formatCoverageText(list: readonly VersionCoverage[]): string {
  const lines: string[] = [];
  for (const c of list) {
    const pct = (b: CoverageBucket): string => `${b.covered}/${b.total} (${b.percent.toFixed(1)}%)`;
    lines.push(
      `MQTT ${c.version}: testable yes ${pct(c.yes)}, partial ${pct(c.partial)}${meetsTargets(c) ? '' : '  below target'}`,
    );
    for (const s of [...c.yes.uncovered, ...c.partial.uncovered]) {
      lines.push(`  uncovered ${s.id.padEnd(16)} [${s.testable}] ${s.section}: ${s.paraphrase}`);
    }
  }
  return lines.join('\n');
}

export function formatCoverageMarkdown(list: readonly VersionCoverage[]): string {
  const lines = ['| version | yes covered | partial covered |', '|---|---|---|'];
  for (const c of list) {
    lines.push(
      `| ${c.version} | ${c.yes.covered}/${c.yes.total} (${c.yes.percent.toFixed(1)}%) | ${c.partial.covered}/${c.partial.total} (${c.partial.percent.toFixed(1)}%) |`,
    );
  }
  for (const c of list) {
    const unc = [...c.yes.uncovered, ...c.partial.uncovered];
    if (unc.length === 0) continue;
    lines.push('', `Uncovered in ${c.version}:`, '');
    for (const s of unc) lines.push(`- \`${s.id}\` (${s.testable}) ${s.paraphrase}`);
  }
  return lines.join('\n');
}
