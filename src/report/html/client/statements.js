// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Statements tab: coverage per version, verdict per broker, linked cases.
// ---------------------------------------------------------------------------------------- statements
function renderStatements(sec) {
  const verdicts = doc.conformance?.statements || [];
  const versions = uniq(verdicts.map((v) => v.version));
  const search = h('input', { type: 'search', id: 'statement-q', placeholder: 'statement or case id' });
  const hidePass = h('input', { type: 'checkbox', id: 'statement-hide-pass' });
  const apply = () => {
    const q = search.value.trim().toLowerCase();
    for (const tr of sec.querySelectorAll('tr.statement-row')) {
      const okText = !q || tr.getAttribute('data-text').includes(q);
      const okPass = !hidePass.checked || tr.getAttribute('data-worst') !== 'pass';
      tr.classList.toggle('hidden', !(okText && okPass));
    }
  };
  search.addEventListener('input', apply);
  hidePass.addEventListener('change', apply);
  if (versions.length) {
    sec.append(
      h(
        'div',
        { class: 'filters' },
        h('label', {}, 'search', search),
        h('label', {}, hidePass, 'only statements not passing'),
      ),
    );
  }
  for (const ver of versions) {
    const rows = new Map();
    for (const v of verdicts.filter((x) => x.version === ver)) {
      const r = rows.get(v.id) || { id: v.id, by: {}, cases: new Set() };
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
    const tbl = h('table', { class: 'statements' });
    tbl.append(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { text: 'statement' }),
          brokers.map((b) => h('th', { text: b })),
          h('th', { text: 'cases' }),
        ),
      ),
    );
    tbl.append(
      h(
        'tbody',
        {},
        list.map((r) =>
          h(
            'tr',
            {
              class: 'statement-row',
              'data-worst': worst(Object.values(r.by)),
              'data-text': `${r.id} ${[...r.cases].join(' ')}`.toLowerCase(),
            },
            h('td', {}, h('a', { class: 'stmt-link mono', text: r.id, onclick: () => setQuery(r.id) })),
            brokers.map((b) =>
              h('td', {}, r.by[b] ? badge(r.by[b]) : h('span', { class: 'muted', text: '–' })),
            ),
            h('td', { class: 'mono muted', text: [...r.cases].join(', ') }),
          ),
        ),
      ),
    );
    sec.append(h('div', { class: 'tablewrap' }, tbl));
  }
  if (!versions.length)
    sec.append(h('div', { class: 'empty', text: 'No statement verdicts in this document.' }));
}
