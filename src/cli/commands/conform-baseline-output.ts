// Prints how a conformance run compares with its baseline of expected deviations: one count line, then one
// line per case that moved (new, worse) or can tighten the baseline (better). The console reporter has
// already shown the new and worse failures in full and the expected ones one line each.
import type { BaselineComparison } from '../../conformance/baseline.ts';

/** `detailed`: one line per moved case too (when no console reporter has shown them already). */
export function printBaselineComparison(
  cmp: BaselineComparison,
  out: NodeJS.WritableStream = process.stdout,
  detailed = true,
): void {
  const lines: string[] = [];
  const flaky = cmp.expected.filter((e) => e.entry.kind === 'flaky').length;
  const notRun = cmp.notRun.length ? `, ${cmp.notRun.length} not applicable this run` : '';
  lines.push(
    `baseline: ${cmp.matched} expected (${flaky} of them declared flaky), ${cmp.unexpected.length} new, ${cmp.worse.length} worse, ${cmp.better.length} better${notRun}`,
  );
  if (!detailed) {
    out.write(`${lines.join('\n')}\n`);
    return;
  }
  for (const r of cmp.unexpected) {
    lines.push(
      `  NEW    ${r.id} [MQTT ${r.version}] [${r.statements.join(', ')}] ${r.outcome}: ${r.failure?.message ?? r.reason ?? ''}`,
    );
  }
  for (const { result, entry } of cmp.worse) {
    lines.push(
      `  WORSE  ${result.id} [MQTT ${result.version}]: baseline ${entry.outcome} (${entry.file}:${entry.line}), now ${result.outcome}`,
    );
  }
  for (const { result, entry } of cmp.better) {
    lines.push(
      `  BETTER ${result.id} [MQTT ${result.version}]: baseline ${entry.outcome} (${entry.file}:${entry.line}), now ${result.outcome}; tighten the baseline`,
    );
  }
  out.write(`${lines.join('\n')}\n`);
}
