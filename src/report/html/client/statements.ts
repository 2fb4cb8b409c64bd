// Statements tab: per version, each statement with its text (from the inventory shipped with crucible), the
// verdict per broker, and its cases, failing ones marked, each a link to the case.
import type { Outcome, StatementVerdict } from '../../../results/model.ts';
import { caseLink } from './case-table.ts';
import { brokers, cases, doc, statementOf, uniq } from './data.ts';
import { h } from './dom.ts';
import { badge, countsOf, outcomeBar, worst } from './grading.ts';
import { hashFor } from './url-state.ts';

/** One statement of one version: the verdict per broker and the cases citing it. */
interface StatementRow {
  id: string;
  by: Record<string, Outcome>;
  cases: Set<string>;
}

function statementCases(ver: string, ids: Set<string>): HTMLUListElement {
  const results = cases.filter((c) => c.version === ver && ids.has(c.id));
  const byId = new Map<string, typeof results>();
  for (const c of results) byId.set(c.id, [...(byId.get(c.id) || []), c]);
  const list = [...byId.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  return h(
    'ul',
    { class: 'stmt-cases' },
    list.map(([id, rs]) => {
      const failing = rs.filter((c) => c.outcome === 'fail' || c.outcome === 'error');
      const shown = failing[0] || (rs[0] as (typeof rs)[number]);
      return h(
        'li',
        { class: failing.length ? 'case-failing' : '', 'data-case': id },
        failing.length ? badge(worst(failing.map((c) => c.outcome))) : null,
        h('a', { class: 'mono', href: caseLink(shown), text: id }),
        failing.length && brokers.length > 1
          ? h('span', { class: 'muted', text: ` on ${failing.map((c) => c.broker).join(', ')}` })
          : null,
      );
    }),
  );
}

/** The search box and the "only not passing" switch, filtering the rows of every version's table. */
function statementFilters(sec: HTMLElement): HTMLDivElement {
  const search = h('input', { type: 'search', id: 'statement-q', placeholder: 'statement, text or case id' });
  const hidePass = h('input', { type: 'checkbox', id: 'statement-hide-pass' });
  const apply = () => {
    const q = search.value.trim().toLowerCase();
    for (const tr of sec.querySelectorAll('tr.statement-row')) {
      const okText = !q || (tr.getAttribute('data-text') ?? '').includes(q);
      const okPass = !hidePass.checked || tr.getAttribute('data-worst') !== 'pass';
      tr.classList.toggle('hidden', !(okText && okPass));
    }
  };
  search.addEventListener('input', apply);
  hidePass.addEventListener('change', apply);
  return h(
    'div',
    { class: 'filters' },
    h('label', {}, 'search', search),
    h('label', {}, hidePass, 'only statements not passing'),
  );
}

function statementRow(ver: string, r: StatementRow): HTMLTableRowElement {
  const info = statementOf(ver, r.id);
  return h(
    'tr',
    {
      class: 'statement-row',
      id: `stmt-${ver}-${r.id}`,
      'data-worst': worst(Object.values(r.by)),
      'data-text': `${r.id} ${info ? info.text : ''} ${[...r.cases].join(' ')}`.toLowerCase(),
    },
    h(
      'td',
      { class: 'stmt-cell' },
      h('a', {
        class: 'stmt-link mono',
        href: hashFor('cases', new URLSearchParams({ version: ver, q: r.id })),
        title: `cases citing ${r.id}`,
        text: r.id,
      }),
      info
        ? h(
            'div',
            { class: 'stmt-text' },
            info.text,
            h('span', { class: 'muted', text: ` — ${info.section}` }),
          )
        : h('div', { class: 'muted', text: 'statement text not in the inventory' }),
    ),
    brokers.map((b) => h('td', {}, r.by[b] ? badge(r.by[b]) : h('span', { class: 'muted', text: '–' }))),
    h('td', {}, statementCases(ver, r.cases)),
  );
}

/** The heading, outcome bar and table of one MQTT version's statements. */
function versionSection(sec: HTMLElement, ver: string, verdicts: readonly StatementVerdict[]): void {
  const rows = new Map<string, StatementRow>();
  for (const v of verdicts.filter((x) => x.version === ver)) {
    const r = rows.get(v.id) || { id: v.id, by: {}, cases: new Set<string>() };
    r.by[v.broker] = v.outcome;
    for (const c of v.cases) r.cases.add(c);
    rows.set(v.id, r);
  }
  const list = [...rows.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const c = countsOf(list.map((r) => ({ outcome: worst(Object.values(r.by)) })));
  sec.append(
    h('h2', {}, `MQTT ${ver} `, h('span', { class: 'muted', text: `${list.length} statements covered` })),
    outcomeBar(c),
  );
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { text: 'statement' }),
      brokers.map((b) => h('th', { text: b })),
      h('th', { text: 'cases (failing marked)' }),
    ),
  );
  const tbl = h(
    'table',
    { class: 'statements' },
    head,
    h(
      'tbody',
      {},
      list.map((r) => statementRow(ver, r)),
    ),
  );
  sec.append(h('div', { class: 'tablewrap' }, tbl));
}

export function renderStatements(sec: HTMLElement): void {
  const verdicts = doc.conformance?.statements || [];
  const versions = uniq(verdicts.map((v) => v.version));
  if (versions.length) sec.append(statementFilters(sec));
  for (const ver of versions) versionSection(sec, ver, verdicts);
  if (!versions.length)
    sec.append(h('div', { class: 'empty', text: 'No statement verdicts in this document.' }));
}
