// The case list: one row per result (broker, version, id), its detail opened and closed by click, Enter or Space.
import type { CaseResult } from '../../../results/model.ts';
import { caseDetail } from './case-detail.ts';
import { brokers, statementOf } from './data.ts';
import { h } from './dom.ts';
import { caseBadge, caseKey } from './grading.ts';
import { hashFor } from './url-state.ts';

const MAX_ROWS = 3000;

/** A link to one result: the list narrowed to this case on its broker and version, its detail open. */
export function caseLink(c: CaseResult): string {
  const p = new URLSearchParams({ broker: c.broker, version: c.version, q: c.id });
  p.append('open', `${c.broker}/${c.version}/${c.id}`);
  return hashFor('cases', p);
}

function caseHead(): HTMLTableSectionElement {
  const titles = [
    'outcome',
    'case',
    'area',
    'version',
    'level',
    'statements',
    brokers.length > 1 ? 'broker' : null,
    'ms',
  ].filter((t) => t !== null);
  return h(
    'thead',
    {},
    h(
      'tr',
      {},
      titles.map((t) => h('th', { class: t === 'ms' ? 'num' : '', text: t })),
    ),
  );
}

function caseRow(c: CaseResult): HTMLTableRowElement {
  return h(
    'tr',
    {
      class: 'case-row',
      tabindex: '0',
      'aria-expanded': 'false',
      'data-id': c.id,
      'data-broker': c.broker,
      'data-version': c.version,
      'data-outcome': c.outcome,
      'data-baseline': c.baseline ? c.baseline.status : undefined,
      'data-flaky': c.flaky ? 'true' : undefined,
    },
    h('td', {}, caseBadge(c)),
    h(
      'td',
      {},
      h('div', { class: 'mono', text: c.id }),
      h('div', {
        class: 'muted',
        text: c.title + (c.reason && c.outcome !== 'pass' ? ` — ${c.reason}` : ''),
      }),
    ),
    h('td', { text: c.area }),
    h('td', { text: c.version }),
    h('td', { text: c.level }),
    h(
      'td',
      { class: 'mono' },
      c.statements.map((s, i) => [
        i ? ', ' : '',
        h('span', { title: statementOf(c.version, s)?.text || s, text: s }),
      ]),
    ),
    brokers.length > 1 ? h('td', { text: c.broker }) : null,
    h('td', { class: 'num', text: c.durationMs.toFixed(0) }),
  );
}

/** The row and its (lazily filled) detail row; `openIds` holds the open cases, `onToggle` records them. */
function caseRows(c: CaseResult, openIds: Set<string>, onToggle: () => void): HTMLTableRowElement[] {
  const key = caseKey(c);
  // Keyboard: every row is a tab stop; Enter or Space opens and closes its detail.
  const row = caseRow(c);
  const cell = h('td', { colspan: 8 });
  const detail = h('tr', { class: 'detail-row hidden' }, cell);
  const open = () => {
    if (!cell.firstChild) cell.append(caseDetail(c));
    detail.classList.remove('hidden');
    row.classList.add('open');
    row.setAttribute('aria-expanded', 'true');
    openIds.add(key);
  };
  const toggle = () => {
    if (detail.classList.contains('hidden')) open();
    else {
      detail.classList.add('hidden');
      row.classList.remove('open');
      row.setAttribute('aria-expanded', 'false');
      openIds.delete(key);
    }
    onToggle();
  };
  row.addEventListener('click', toggle);
  row.addEventListener('keydown', (ev) => {
    if (ev.target !== row || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    toggle();
  });
  if (openIds.has(key)) open();
  return [row, detail];
}

export function caseTable(
  list: readonly CaseResult[],
  openIds: Set<string>,
  onToggle: () => void,
): HTMLTableElement {
  const tbl = h('table', { id: 'case-table' });
  tbl.append(caseHead());
  const body = h('tbody');
  if (!list.length)
    body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty', text: 'No case matches the filters.' })));
  for (const c of list.slice(0, MAX_ROWS)) body.append(...caseRows(c, openIds, onToggle));
  if (list.length > MAX_ROWS) {
    const more = `${list.length - MAX_ROWS} more results not shown: narrow the filters.`;
    body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty', text: more })));
  }
  tbl.append(body);
  return tbl;
}
