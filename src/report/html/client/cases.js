// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Cases tab: outcome chips and filters, case table with collapsible detail and transcript, matrix.
// ---------------------------------------------------------------------------------------- cases
const state = {
  outcomes: new Set(OUTCOMES),
  area: '',
  level: '',
  version: '',
  broker: '',
  q: '',
  matrix: false,
};
function matches(c) {
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
function transcriptTable(c) {
  const tbl = h('table', { class: 'transcript' });
  tbl.append(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num', text: 't (ms)' }),
        h('th', { text: 'client' }),
        h('th', { text: 'dir' }),
        h('th', { text: 'packet' }),
        h('th', { class: 'hex hidden', text: 'raw hex' }),
      ),
    ),
  );
  const body = h('tbody');
  for (const e of c.transcript) {
    const arrow = e.dir === 'out' ? '→ out' : e.dir === 'in' ? '← in' : '· event';
    const text = e.packet ? describePacket(e.packet) + (e.note ? `  (${e.note})` : '') : e.note || '';
    body.append(
      h(
        'tr',
        { class: e.dir === 'event' ? 'ev' : '' },
        h('td', { class: 'num', text: e.t.toFixed(1) }),
        h('td', { text: e.client }),
        h('td', { class: `dir-${e.dir}`, text: arrow }),
        h('td', { text }),
        h('td', { class: 'hex hidden', text: e.hex || '' }),
      ),
    );
  }
  tbl.append(body);
  return tbl;
}
function caseDetail(c) {
  const d = h('div', { class: 'detail' });
  d.append(
    h('div', {
      class: 'mono muted',
      text: `${c.id} · ${c.broker} · MQTT ${c.version} · ${c.level}${c.source ? ` · ${c.source.file}:${c.source.line}` : ''}`,
    }),
  );
  if (c.description) d.append(h('h4', { text: 'Description' }), h('div', { text: c.description }));
  if (c.expectation) d.append(h('h4', { text: 'Expectation' }), h('div', { text: c.expectation }));
  if (c.params && Object.keys(c.params).length) {
    d.append(h('h4', { text: 'Parameters' }), h('div', { class: 'mono', text: JSON.stringify(c.params) }));
  }
  d.append(
    h('h4', { text: 'Statements' }),
    h(
      'ul',
      { class: 'stmt-list' },
      c.statements.map((s) => {
        const info = statementOf(c.version, s);
        return h(
          'li',
          {},
          h('a', {
            class: 'stmt-link mono',
            href: hashFor('cases', new URLSearchParams({ q: s })),
            title: `all cases citing ${s}`,
            text: s,
          }),
          info ? h('span', { class: 'stmt-text', text: ` ${info.text}` }) : null,
          info ? h('span', { class: 'muted', text: ` (${info.section})` }) : null,
        );
      }),
    ),
  );
  if (c.reason) d.append(h('div', { class: 'reason', text: c.reason }));
  const f = c.failure;
  if (f) {
    d.append(
      h('h4', {
        text: `Failed at step ${f.stepIndex + 1}: ${f.step}${f.statement ? ` (${f.statement})` : ''}`,
      }),
    );
    if (f.message && f.message !== c.reason) d.append(h('div', { text: f.message }));
    d.append(
      h(
        'div',
        { class: 'ea' },
        h('div', { class: 'exp' }, h('h4', { text: 'Expected' }), h('pre', { text: pretty(f.expected) })),
        h('div', { class: 'act' }, h('h4', { text: 'Actual' }), h('pre', { text: pretty(f.actual) })),
      ),
    );
  }
  if (c.findings?.length) {
    d.append(
      h('h4', { text: 'Strict-checker findings' }),
      h(
        'ul',
        {},
        c.findings.map((x) =>
          h('li', {}, h('span', { class: 'mono', text: x.statement }), ` (${x.severity}) ${x.message}`),
        ),
      ),
    );
  }
  d.append(...gradingDetail(c));
  if (c.transcript?.length) {
    const tbl = transcriptTable(c);
    const btn = h('button', {
      class: 'btn hex-toggle',
      text: 'raw hex',
      onclick: (ev) => {
        ev.stopPropagation();
        btn.classList.toggle('on');
        for (const x of tbl.querySelectorAll('.hex')) x.classList.toggle('hidden');
      },
    });
    d.append(h('h4', {}, `Wire transcript (${c.transcript.length}) `, btn), tbl);
  } else
    d.append(
      h('h4', { text: 'Wire transcript' }),
      h('div', { class: 'muted', text: 'no packets exchanged' }),
    );
  return d;
}
let renderCaseList;
let applyCaseParams;
let syncCaseHash;
function renderCases(sec) {
  const filters = h('div', { class: 'filters' });
  const chips = h('div', { class: 'chips', id: 'outcome-filter' });
  const counts = countsOf(cases);
  for (const o of OUTCOMES) {
    chips.append(
      h(
        'button',
        {
          class: `chip o-${o}`,
          'data-outcome': o,
          'aria-pressed': 'true',
          onclick: (ev) => {
            const b = ev.currentTarget;
            if (state.outcomes.has(o)) state.outcomes.delete(o);
            else state.outcomes.add(o);
            b.setAttribute('aria-pressed', String(state.outcomes.has(o)));
            renderCaseList();
          },
        },
        o,
        h('span', { class: 'n', text: counts[o] }),
      ),
    );
  }
  const select = (key, label, values) => {
    const s = h(
      'select',
      {
        id: `filter-${key}`,
        onchange: (ev) => {
          state[key] = ev.target.value;
          renderCaseList();
        },
      },
      h('option', { value: '', text: 'all' }),
      values.map((v) => h('option', { value: v, text: v })),
    );
    return h('label', {}, label, s);
  };
  const search = h('input', {
    type: 'search',
    id: 'filter-q',
    placeholder: 'case id, title or statement (MQTT-3.1.2-4)',
    oninput: (ev) => {
      state.q = ev.target.value.trim().toLowerCase();
      renderCaseList();
    },
  });
  filters.append(
    chips,
    select('area', 'area', uniq(cases.map((c) => c.area))),
    select('level', 'level', uniq(cases.map((c) => c.level))),
    select('version', 'version', uniq(cases.map((c) => c.version))),
  );
  if (brokers.length > 1) filters.append(select('broker', 'broker', brokers));
  filters.append(h('label', {}, 'search', search));
  const shown = h('span', { class: 'muted', id: 'shown-count' });
  if (brokers.length > 1) {
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
    filters.append(mbtn);
  }
  filters.append(shown);
  const wrap = h('div', { class: 'tablewrap' });
  sec.append(filters, wrap);
  const openIds = new Set();
  syncCaseHash = () => {
    if (hashState().tab !== 'cases') return;
    const p = new URLSearchParams();
    if (state.outcomes.size !== OUTCOMES.length) p.set('outcome', [...state.outcomes].join(','));
    for (const k of ['area', 'level', 'version', 'broker']) if (state[k]) p.set(k, state[k]);
    if (search.value.trim()) p.set('q', search.value.trim());
    if (state.matrix) p.set('matrix', '1');
    for (const k of openIds) p.append('open', k.split('\u0000').join('/'));
    writeHash('cases', p);
  };
  applyCaseParams = (p) => {
    const outcomes = p.get('outcome');
    state.outcomes = new Set(
      outcomes === null ? OUTCOMES : outcomes.split(',').filter((o) => OUTCOMES.includes(o)),
    );
    for (const b of chips.querySelectorAll('[data-outcome]'))
      b.setAttribute('aria-pressed', String(state.outcomes.has(b.getAttribute('data-outcome'))));
    for (const k of ['area', 'level', 'version', 'broker']) {
      const sel = document.getElementById(`filter-${k}`);
      const v = p.get(k) || '';
      state[k] = sel && [...sel.options].some((o) => o.value === v) ? v : '';
      if (sel) sel.value = state[k];
    }
    search.value = p.get('q') || '';
    state.q = search.value.trim().toLowerCase();
    state.matrix = p.get('matrix') === '1' && brokers.length > 1;
    document.getElementById('matrix-toggle')?.classList.toggle('on', state.matrix);
    openIds.clear();
    for (const o of p.getAll('open')) {
      // broker/version/id: the broker label may hold '/', the version and id do not.
      const parts = o.split('/');
      if (parts.length >= 3) openIds.add([parts.slice(0, -2).join('/'), ...parts.slice(-2)].join('\u0000'));
    }
    renderCaseList();
  };
  renderCaseList = () => {
    const list = cases.filter(matches);
    wrap.replaceChildren(state.matrix ? matrixTable(list) : caseTable(list, openIds, syncCaseHash));
    const rows = state.matrix ? new Set(list.map((c) => `${c.version}\u0000${c.id}`)).size : list.length;
    shown.textContent = `showing ${rows} ${state.matrix ? 'case rows' : `of ${cases.length} results`}`;
    syncCaseHash();
  };
  // Opened from a link with filters (#cases?...): start from them.
  const at = hashState();
  applyCaseParams(at.tab === 'cases' ? at.params : new URLSearchParams());
}
/** A link to one result: the list narrowed to this case on its broker and version, its detail open. */
function caseLink(c) {
  const p = new URLSearchParams({ broker: c.broker, version: c.version, q: c.id });
  p.append('open', `${c.broker}/${c.version}/${c.id}`);
  return hashFor('cases', p);
}
function caseTable(list, openIds, onToggle) {
  const tbl = h('table', { id: 'case-table' });
  tbl.append(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          'outcome',
          'case',
          'area',
          'version',
          'level',
          'statements',
          brokers.length > 1 ? 'broker' : null,
          'ms',
        ]
          .filter(Boolean)
          .map((t) => h('th', { class: t === 'ms' ? 'num' : '', text: t })),
      ),
    ),
  );
  const body = h('tbody');
  if (!list.length)
    body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty', text: 'No case matches the filters.' })));
  const MAX_ROWS = 3000;
  for (const c of list.slice(0, MAX_ROWS)) {
    const key = caseKey(c);
    // Keyboard: every row is a tab stop; Enter or Space opens and closes its detail.
    const row = h(
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
    const detail = h('tr', { class: 'detail-row hidden' }, h('td', { colspan: 8 }));
    const open = () => {
      if (!detail.firstChild.firstChild) detail.firstChild.append(caseDetail(c));
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
    body.append(row, detail);
  }
  if (list.length > MAX_ROWS) {
    const more = `${list.length - MAX_ROWS} more results not shown: narrow the filters.`;
    body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty', text: more })));
  }
  tbl.append(body);
  return tbl;
}
