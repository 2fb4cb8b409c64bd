// Cases x brokers matrix (several brokers): one row per (version, case id), one cell per broker, each cell a
// link to that result in the list view.
import type { CaseResult } from '../../../results/model.ts';
import { caseLink } from './case-table.ts';
import { brokers, cases } from './data.ts';
import { h } from './dom.ts';
import { caseBadge, caseKey } from './grading.ts';

function matrixHead(): HTMLTableSectionElement {
  return h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { text: 'case' }),
      h('th', { text: 'version' }),
      h('th', { text: 'statements' }),
      brokers.map((b) => h('th', { class: 'cell', text: b })),
    ),
  );
}

export function matrixTable(list: readonly CaseResult[]): HTMLTableElement {
  // One row per (version, case id): the same id in 3.1.1 and 5.0 is two cases.
  const rows = new Map<string, CaseResult>();
  for (const c of list) rows.set(`${c.version}\u0000${c.id}`, c);
  const keys = [...rows.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const by = new Map(cases.map((c) => [caseKey(c), c]));
  const tbl = h('table', { class: 'matrix', id: 'matrix-table' });
  tbl.append(matrixHead());
  const body = h('tbody');
  for (const key of keys) {
    const any = rows.get(key) as CaseResult;
    body.append(
      h(
        'tr',
        { class: 'matrix-row', 'data-id': any.id, 'data-version': any.version },
        h('td', {}, h('div', { class: 'mono', text: any.id }), h('div', { class: 'muted', text: any.title })),
        h('td', { text: any.version }),
        h('td', { class: 'mono', text: any.statements.join(', ') }),
        brokers.map((b) => {
          const c = by.get(caseKey({ broker: b, version: any.version, id: any.id }));
          // A link, so every cell is reachable by keyboard and can be opened in a new tab.
          return h(
            'td',
            { class: 'cell' },
            c
              ? h(
                  'a',
                  { class: 'cell-link', href: caseLink(c), title: `${c.reason || c.outcome} (details)` },
                  caseBadge(c),
                )
              : h('span', { class: 'muted', text: '–' }),
          );
        }),
      ),
    );
  }
  tbl.append(body);
  return tbl;
}
