// Outcomes as the page shows them: badges, counts, the bar, and what the baseline and --repeat say of a case.

import { gates, isExpected, worst } from '../../../results/grade.ts';
import type { CaseResult, Outcome } from '../../../results/model.ts';
import { OUTCOMES } from '../../format.ts';
import { h } from './dom.ts';

// The one grading rule (src/results/grade.ts), re-exported for the page's modules.
export { gates, isExpected, worst };

export const badge = (o: Outcome): HTMLSpanElement => h('span', { class: `badge o-${o}`, text: o });

/** A case is (broker, version, id): ids repeat across the MQTT versions. */
export const caseKey = (c: Pick<CaseResult, 'broker' | 'version' | 'id'>): string =>
  `${c.broker}\u0000${c.version}\u0000${c.id}`;

/** Case detail lines for --repeat attempts and the baseline's judgement. */
export function gradingDetail(c: CaseResult): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (c.attempts && c.attempts.length > 1) {
    const note = c.flaky ? ' flaky: attempts differed; the outcome is the worst attempt' : '';
    out.push(h('h4', { text: 'Attempts' }), h('div', {}, c.attempts.map(badge), note));
  }
  if (c.baseline) {
    const e = c.baseline.entry;
    const says = e ? `baseline says ${e.outcome} (${e.kind}, ${e.source}): ${e.why}` : 'not in the baseline';
    out.push(h('h4', { text: 'Baseline' }), h('div', { text: `${c.baseline.status}: ${says}` }));
  }
  return out;
}

/** The outcome badge plus what the baseline and --repeat say about it (expected, flaky, new, worse). */
export function caseBadge(c: CaseResult): HTMLSpanElement {
  const tags: Array<[string, string]> = [];
  if (isExpected(c))
    tags.push([
      'expected',
      c.baseline?.entry ? `baseline ${c.baseline.entry.source}: ${c.baseline.entry.why}` : '',
    ]);
  else if (c.baseline && (c.baseline.status === 'new' || c.baseline.status === 'worse'))
    tags.push([
      c.baseline.status,
      c.baseline.status === 'new' ? 'not in the baseline' : 'worse than the baseline',
    ]);
  if (c.flaky) tags.push(['flaky', `attempts: ${(c.attempts || []).join(', ')}`]);
  return h(
    'span',
    { class: 'case-badge' },
    badge(c.outcome),
    tags.map(([t, title]) => [' ', h('span', { class: `badge tag-${t}`, title, text: t })]),
  );
}

export type Counts = Record<Outcome, number> & { total: number };

export function countsOf(list: ReadonlyArray<{ outcome: Outcome }>): Counts {
  const c = { total: list.length } as Counts;
  for (const o of OUTCOMES) c[o] = 0;
  for (const x of list) c[x.outcome]++;
  return c;
}

export function outcomeBar(c: Counts): HTMLDivElement {
  const bar = h('div', { class: 'bar', title: OUTCOMES.map((o) => `${o}: ${c[o]}`).join(', ') });
  for (const o of OUTCOMES)
    if (c[o] > 0) bar.append(h('span', { class: `b-${o}`, style: `width:${(100 * c[o]) / c.total}%` }));
  return bar;
}
