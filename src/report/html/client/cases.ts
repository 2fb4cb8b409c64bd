// Cases tab: outcome chips and filters over the case list (or the matrix), their state kept in the URL.
import type { CaseResult, Outcome } from '../../../results/model.ts';
import { OUTCOMES } from '../../format.ts';
import { caseTable } from './case-table.ts';
import { brokers, cases, uniq } from './data.ts';
import { h } from './dom.ts';
import { countsOf } from './grading.ts';
import { matrixTable } from './matrix.ts';
import { hashState, writeHash } from './url-state.ts';

type FilterKey = 'area' | 'level' | 'version' | 'broker';
const FILTER_KEYS: readonly FilterKey[] = ['area', 'level', 'version', 'broker'];

const state = {
  outcomes: new Set<Outcome>(OUTCOMES),
  area: '',
  level: '',
  version: '',
  broker: '',
  q: '',
  matrix: false,
};

/** The parts of the tab that filters read and write, once it is rendered. */
interface CaseView {
  chips: HTMLDivElement;
  search: HTMLInputElement;
  wrap: HTMLDivElement;
  shown: HTMLSpanElement;
  openIds: Set<string>;
}
let view: CaseView | undefined;

function matches(c: CaseResult): boolean {
  if (!state.outcomes.has(c.outcome)) return false;
  if (state.area && c.area !== state.area) return false;
  if (state.level && c.level !== state.level) return false;
  if (state.version && c.version !== state.version) return false;
  if (state.broker && c.broker !== state.broker) return false;
  if (state.q) {
    const hay = `${c.id} ${c.title} ${c.statements.join(' ')} ${c.reason || ''}`.toLowerCase();
    if (!state.q.split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

function renderCaseList(): void {
  if (!view) return;
  const list = cases.filter(matches);
  view.wrap.replaceChildren(state.matrix ? matrixTable(list) : caseTable(list, view.openIds, syncCaseHash));
  const rows = state.matrix ? new Set(list.map((c) => `${c.version}\u0000${c.id}`)).size : list.length;
  view.shown.textContent = `showing ${rows} ${state.matrix ? 'case rows' : `of ${cases.length} results`}`;
  syncCaseHash();
}

/** Puts the filters and the open cases in the URL while the cases tab shows. */
function syncCaseHash(): void {
  if (!view || hashState().tab !== 'cases') return;
  const p = new URLSearchParams();
  if (state.outcomes.size !== OUTCOMES.length) p.set('outcome', [...state.outcomes].join(','));
  for (const k of FILTER_KEYS) if (state[k]) p.set(k, state[k]);
  if (view.search.value.trim()) p.set('q', view.search.value.trim());
  if (state.matrix) p.set('matrix', '1');
  for (const k of view.openIds) p.append('open', k.split('\u0000').join('/'));
  writeHash('cases', p);
}

/** Sets every filter from URL parameters (a link, a reload) and shows the list. */
function applyCaseParams(p: URLSearchParams): void {
  if (!view) return;
  const outcomes = p.get('outcome');
  state.outcomes = new Set(
    outcomes === null
      ? OUTCOMES
      : (outcomes.split(',').filter((o) => OUTCOMES.includes(o as Outcome)) as Outcome[]),
  );
  for (const b of view.chips.querySelectorAll('[data-outcome]'))
    b.setAttribute('aria-pressed', String(state.outcomes.has(b.getAttribute('data-outcome') as Outcome)));
  for (const k of FILTER_KEYS) {
    const sel = document.getElementById(`filter-${k}`) as HTMLSelectElement | null;
    const v = p.get(k) || '';
    state[k] = sel && [...sel.options].some((o) => o.value === v) ? v : '';
    if (sel) sel.value = state[k];
  }
  view.search.value = p.get('q') || '';
  state.q = view.search.value.trim().toLowerCase();
  state.matrix = p.get('matrix') === '1' && brokers.length > 1;
  document.getElementById('matrix-toggle')?.classList.toggle('on', state.matrix);
  view.openIds.clear();
  for (const o of p.getAll('open')) {
    // broker/version/id: the broker label may hold '/', the version and id do not.
    const parts = o.split('/');
    if (parts.length >= 3)
      view.openIds.add([parts.slice(0, -2).join('/'), ...parts.slice(-2)].join('\u0000'));
  }
  renderCaseList();
}

/** When the tab is shown: a link with filters applies them; the bare tab keeps the current filters (and puts
 *  them in the URL). */
export function casesShown(): void {
  const params = hashState().params;
  if ([...params.keys()].length) applyCaseParams(params);
  else syncCaseHash();
}

function outcomeChips(): HTMLDivElement {
  const chips = h('div', { class: 'chips', id: 'outcome-filter' });
  const counts = countsOf(cases);
  for (const o of OUTCOMES) {
    const toggle = (ev: Event) => {
      const b = ev.currentTarget as HTMLElement;
      if (state.outcomes.has(o)) state.outcomes.delete(o);
      else state.outcomes.add(o);
      b.setAttribute('aria-pressed', String(state.outcomes.has(o)));
      renderCaseList();
    };
    chips.append(
      h(
        'button',
        { class: `chip o-${o}`, 'data-outcome': o, 'aria-pressed': 'true', onclick: toggle },
        o,
        h('span', { class: 'n', text: counts[o] }),
      ),
    );
  }
  return chips;
}

function filterSelect(key: FilterKey, label: string, values: readonly string[]): HTMLLabelElement {
  const onchange = (ev: Event) => {
    state[key] = (ev.target as HTMLSelectElement).value;
    renderCaseList();
  };
  const s = h(
    'select',
    { id: `filter-${key}`, onchange },
    h('option', { value: '', text: 'all' }),
    values.map((v) => h('option', { value: v, text: v })),
  );
  return h('label', {}, label, s);
}

function matrixButton(): HTMLButtonElement {
  const mbtn = h('button', {
    class: 'btn',
    id: 'matrix-toggle',
    text: 'matrix: cases × brokers',
    onclick: () => {
      state.matrix = !state.matrix;
      mbtn.classList.toggle('on', state.matrix);
      renderCaseList();
    },
  });
  return mbtn;
}

export function renderCases(sec: HTMLElement): void {
  const chips = outcomeChips();
  const search = h('input', {
    type: 'search',
    id: 'filter-q',
    placeholder: 'case id, title or statement (MQTT-3.1.2-4)',
    oninput: (ev: Event) => {
      state.q = (ev.target as HTMLInputElement).value.trim().toLowerCase();
      renderCaseList();
    },
  });
  const filters = h(
    'div',
    { class: 'filters' },
    chips,
    filterSelect('area', 'area', uniq(cases.map((c) => c.area))),
    filterSelect('level', 'level', uniq(cases.map((c) => c.level))),
    filterSelect('version', 'version', uniq(cases.map((c) => c.version))),
  );
  if (brokers.length > 1) filters.append(filterSelect('broker', 'broker', brokers));
  filters.append(h('label', {}, 'search', search));
  const shown = h('span', { class: 'muted', id: 'shown-count' });
  if (brokers.length > 1) filters.append(matrixButton());
  filters.append(shown);
  const wrap = h('div', { class: 'tablewrap' });
  sec.append(filters, wrap);
  view = { chips, search, wrap, shown, openIds: new Set() };
  // Opened from a link with filters (#cases?...): start from them.
  const at = hashState();
  applyCaseParams(at.tab === 'cases' ? at.params : new URLSearchParams());
}
