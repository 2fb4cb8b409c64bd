// Prints how a conformance run compares with its baseline of expected deviations.
import type { BaselineComparison } from '../../conformance/baseline.ts';

export function printBaselineComparison(
  cmp: BaselineComparison,
  out: NodeJS.WritableStream = process.stdout,
): void {
  const lines: string[] = [];
  lines.push(
    `baseline: ${cmp.matched} expected deviation(s) matched, ${cmp.unexpected.length} new, ${cmp.worse.length} worse, ${cmp.better.length} better`,
  );
  for (const r of cmp.unexpected) {
    lines.push(
      `  NEW    ${r.id} [${r.statements.join(', ')}] ${r.outcome}: ${r.failure?.message ?? r.reason ?? ''}`,
    );
  }
  for (const { result, entry } of cmp.worse) {
    lines.push(
      `  WORSE  ${result.id}: baseline ${entry.outcome} (${entry.file}:${entry.line}), now ${result.outcome}`,
    );
  }
  for (const { result, entry } of cmp.better) {
    lines.push(
      `  BETTER ${result.id}: baseline ${entry.outcome} (${entry.file}:${entry.line}), now ${result.outcome}; tighten the baseline`,
    );
  }
  out.write(`${lines.join('\n')}\n`);
}
