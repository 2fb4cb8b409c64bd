// mqtt-crucible HTML report, client side. Plain browser JS, no network: reads the results document
// embedded in <script id="crucible-data" type="application/json"> and builds the views with DOM
// methods only (textContent everywhere, so no markup from the data is ever interpreted).
(() => {
  const DATA = JSON.parse(document.getElementById('crucible-data').textContent);
  const OUTCOMES = ['pass', 'fail', 'non-strict', 'informational', 'not-applicable', 'error'];
  const WORST = ['error', 'fail', 'non-strict', 'informational', 'pass', 'not-applicable'];
  const charts = [];
  window.__crucible = { charts };

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = String(v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const badge = (o) => h('span', { class: `badge o-${o}`, text: o });
  const fmtMs = (ms) => {
    if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
    if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms >= 100) return `${ms.toFixed(0)} ms`;
    if (ms >= 1) return `${ms.toFixed(2)} ms`;
    return `${(ms * 1000).toFixed(0)} µs`;
  };
  const fmtNum = (n) =>
    n === null || n === undefined || !Number.isFinite(n)
      ? '–'
      : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const fmtRate = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k/s` : `${n.toFixed(n >= 10 ? 0 : 1)}/s`);
  const fmtPct = (r) => `${(r * 100).toFixed(r > 0.9999 && r < 1 ? 3 : 2)}%`;
  const worst = (list) => WORST[Math.min(...list.map((o) => WORST.indexOf(o)))] || 'not-applicable';
  const short = (v, max) => {
    const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v === undefined ? null : v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  function describePacket(p) {
    if (!p) return '';
    const parts = [String(p.cmd || '?').toUpperCase()];
    if (p.cmd === 'publish' && typeof p.qos === 'number') parts.push(`qos=${p.qos}`);
    if (p.messageId !== undefined) parts.push(`id=${p.messageId}`);
    if (p.topic !== undefined) parts.push(`topic=${short(p.topic, 80)}`);
    if (p.payload !== undefined && p.payload !== null) {
      parts.push(
        typeof p.payload === 'object' && p.payload.$hex !== undefined
          ? `payload=0x${p.payload.$hex}`
          : `payload=${short(p.payload, 80)}`,
      );
    }
    if (p.retain) parts.push('retain');
    if (p.dup) parts.push('dup');
    const skip = new Set([
      'cmd',
      'length',
      'topic',
      'payload',
      'messageId',
      'qos',
      'retain',
      'dup',
      'properties',
    ]);
    for (const [k, v] of Object.entries(p))
      if (!skip.has(k) && v !== undefined && v !== null && v !== false) parts.push(`${k}=${short(v, 100)}`);
    if (p.properties && Object.keys(p.properties).length)
      parts.push(`properties=${short(p.properties, 200)}`);
    return parts.join(' ');
  }
  const pretty = (v) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

  // ---------------------------------------------------------------------------------------- data
  const doc = DATA.doc;
  const cases = [...((doc.conformance && doc.conformance.cases) || []), ...(doc.scenarios || [])];
  const brokers = [...new Set([...doc.brokers.map((b) => b.label), ...cases.map((c) => c.broker)])];
  const loads = doc.load || [];
  const uniq = (xs) =>
    [...new Set(xs)].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));

  // ---------------------------------------------------------------------------------------- tabs
  const panels = [];
  const nav = document.getElementById('tabs');
  const main = document.getElementById('main');
  function panel(id, title) {
    const sec = h('section', { class: 'panel', id: `panel-${id}` });
    const a = h('a', { href: `#${id}`, 'data-tab': id, text: title });
    nav.append(a);
    main.append(sec);
    panels.push(id);
    return sec;
  }
  function show(id) {
    if (!panels.includes(id)) id = panels[0];
    for (const p of panels) {
      document.getElementById(`panel-${p}`).classList.toggle('active', p === id);
      nav.querySelector(`[data-tab="${p}"]`).classList.toggle('active', p === id);
    }
    if (id === 'load') drawCharts();
  }
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));

  // ---------------------------------------------------------------------------------------- overview
  function countsOf(list) {
    const c = { total: list.length };
    for (const o of OUTCOMES) c[o] = 0;
    for (const x of list) c[x.outcome]++;
    return c;
  }
  function outcomeBar(c) {
    const bar = h('div', { class: 'bar', title: OUTCOMES.map((o) => `${o}: ${c[o]}`).join(', ') });
    for (const o of OUTCOMES)
      if (c[o] > 0) bar.append(h('span', { class: `b-${o}`, style: `width:${(100 * c[o]) / c.total}%` }));
    return bar;
  }
  function renderOverview(sec) {
    const grid = h('div', { class: 'grid' });
    for (const b of brokers) {
      const list = cases.filter((c) => c.broker === b);
      if (!list.length) continue;
      const c = countsOf(list);
      const info = doc.brokers.find((x) => x.label === b);
      const rate = c.total - c['not-applicable'] > 0 ? c.pass / (c.total - c['not-applicable']) : 0;
      grid.append(
        h(
          'div',
          { class: 'card' },
          h(
            'h3',
            { style: 'margin-top:0' },
            b,
            ' ',
            h('span', { class: 'muted mono', text: info ? info.url : '' }),
          ),
          h(
            'div',
            { class: 'stats' },
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: `${(rate * 100).toFixed(1)}%` }),
              h('span', { class: 'label', text: 'pass rate (applicable cases)' }),
            ),
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: c.fail + c.error }),
              h('span', { class: 'label', text: 'failing' }),
            ),
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: c.total }),
              h('span', { class: 'label', text: 'cases' }),
            ),
          ),
          outcomeBar(c),
          h(
            'div',
            { class: 'counts' },
            OUTCOMES.filter((o) => c[o] > 0).map((o) =>
              h('span', { class: `badge o-${o}`, text: `${c[o]} ${o}` }),
            ),
          ),
        ),
      );
    }
    for (const r of loads) {
      const d = r.latency['deliver.intended'];
      const failed = r.thresholds.filter((t) => !t.passed).length;
      grid.append(
        h(
          'div',
          { class: 'card' },
          h(
            'h3',
            { style: 'margin-top:0' },
            `Load: ${r.id} `,
            h('span', { class: 'muted', text: `[${r.broker}]` }),
          ),
          h(
            'div',
            { class: 'stats' },
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: fmtMs(d && d.p99) }),
              h('span', { class: 'label', text: 'p99 deliver (intended)' }),
            ),
            h(
              'div',
              { class: 'stat' },
              h('span', {
                class: 'big',
                text: fmtRate(r.ledger.delivered / Math.max(r.durationMs / 1000, 1e-9)),
              }),
              h('span', { class: 'label', text: 'delivered' }),
            ),
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: fmtPct(r.ledger.deliveredRatio) }),
              h('span', { class: 'label', text: 'ledger' }),
            ),
          ),
          h(
            'div',
            {},
            r.thresholds.length
              ? h('span', {
                  class: failed ? 'bad-t' : 'ok-t',
                  text: failed
                    ? `${failed} of ${r.thresholds.length} thresholds failed`
                    : `all ${r.thresholds.length} thresholds passed`,
                })
              : h('span', { class: 'muted', text: 'no thresholds' }),
          ),
          r.generator.saturated
            ? h('div', {
                class: 'warn',
                text: 'Load generator saturated: latency may reflect the generator, not the broker.',
              })
            : null,
        ),
      );
    }
    if (!grid.children.length)
      grid.append(
        h('div', { class: 'empty', text: 'This results document has no conformance or load results.' }),
      );
    sec.append(grid);
  }

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
    d.append(
      h('h4', { text: 'Statements' }),
      h(
        'div',
        {},
        c.statements.map((s, i) => [
          i ? ', ' : '',
          h('a', {
            class: 'stmt-link mono',
            text: s,
            onclick: (ev) => {
              ev.stopPropagation();
              setQuery(s);
            },
          }),
        ]),
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
    if (c.findings && c.findings.length) {
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
    if (c.attempts && c.attempts.length > 1)
      d.append(h('h4', { text: 'Attempts' }), h('div', {}, c.attempts.map(badge), c.flaky ? ' flaky' : ''));
    if (c.transcript && c.transcript.length) {
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
  let setQuery;
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
    setQuery = (q) => {
      search.value = q;
      state.q = q.toLowerCase();
      location.hash = 'cases';
      renderCaseList();
    };
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
    renderCaseList = () => {
      const list = cases.filter(matches);
      wrap.replaceChildren(state.matrix ? matrixTable(list) : caseTable(list, openIds));
      const rows = state.matrix ? new Set(list.map((c) => c.id)).size : list.length;
      shown.textContent = `showing ${rows} ${state.matrix ? 'case rows' : 'of ' + cases.length + ' results'}`;
    };
    renderCaseList();
  }
  function caseTable(list, openIds) {
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
    for (const c of list.slice(0, 3000)) {
      const key = `${c.broker}\u0000${c.id}`;
      const row = h(
        'tr',
        { class: 'case-row', 'data-id': c.id, 'data-broker': c.broker, 'data-outcome': c.outcome },
        h('td', {}, badge(c.outcome)),
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
        h('td', { class: 'mono', text: c.statements.join(', ') }),
        brokers.length > 1 ? h('td', { text: c.broker }) : null,
        h('td', { class: 'num', text: c.durationMs.toFixed(0) }),
      );
      const detail = h('tr', { class: 'detail-row hidden' }, h('td', { colspan: 8 }));
      const open = () => {
        if (!detail.firstChild.firstChild) detail.firstChild.append(caseDetail(c));
        detail.classList.remove('hidden');
        row.classList.add('open');
        openIds.add(key);
      };
      row.addEventListener('click', () => {
        if (detail.classList.contains('hidden')) open();
        else {
          detail.classList.add('hidden');
          row.classList.remove('open');
          openIds.delete(key);
        }
      });
      if (openIds.has(key)) open();
      body.append(row, detail);
    }
    tbl.append(body);
    return tbl;
  }
  function matrixTable(list) {
    const ids = uniq(list.map((c) => c.id));
    const by = new Map(cases.map((c) => [`${c.broker}\u0000${c.id}`, c]));
    const tbl = h('table', { class: 'matrix', id: 'matrix-table' });
    tbl.append(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { text: 'case' }),
          h('th', { text: 'statements' }),
          brokers.map((b) => h('th', { class: 'cell', text: b })),
        ),
      ),
    );
    const body = h('tbody');
    for (const id of ids) {
      const any = list.find((c) => c.id === id);
      body.append(
        h(
          'tr',
          { class: 'matrix-row' },
          h('td', {}, h('div', { class: 'mono', text: id }), h('div', { class: 'muted', text: any.title })),
          h('td', { class: 'mono', text: any.statements.join(', ') }),
          brokers.map((b) => {
            const c = by.get(`${b}\u0000${id}`);
            return h(
              'td',
              { class: 'cell', title: c && c.reason ? c.reason : '' },
              c ? badge(c.outcome) : h('span', { class: 'muted', text: '–' }),
            );
          }),
        ),
      );
    }
    tbl.append(body);
    return tbl;
  }

  // ---------------------------------------------------------------------------------------- statements
  function renderStatements(sec) {
    const verdicts = (doc.conformance && doc.conformance.statements) || [];
    const versions = uniq(verdicts.map((v) => v.version));
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
              {},
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

  // ---------------------------------------------------------------------------------------- load
  const PALETTE = ['#3b5bdb', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f59f00', '#d6336c'];
  const pending = [];
  function chartBox(title, make) {
    const box = h('div', { class: 'chart' }, h('h4', { text: title }));
    pending.push({ box, make });
    return box;
  }
  function drawCharts() {
    while (pending.length) {
      const { box, make } = pending.shift();
      const width = Math.max(320, box.clientWidth - 20);
      const { opts, data } = make(width);
      const plot = new uPlot({ legend: { live: false }, ...opts }, data, box);
      charts.push({
        title: box.firstChild.textContent,
        points: data[0].length,
        series: data.length - 1,
        plot,
      });
    }
  }
  const pctTicks = [1, 10, 100, 1000, 10000, 100000];
  const pctLabel = (x) => {
    const p = 100 * (1 - 1 / x);
    return p <= 0 ? '0%' : `${Number(p.toFixed(4))}%`;
  };
  function percentileChart(r) {
    const metrics = Object.entries(r.latency).filter(
      ([, s]) => s.count > 0 && s.distribution && s.distribution.length,
    );
    return chartBox('Latency percentile distribution (ms, log scale)', (width) => {
      const xs = uniq(metrics.flatMap(([, s]) => s.distribution.map(([p]) => Math.min(p, 99.999))))
        .map(Number)
        .sort((a, b) => a - b);
      const x = xs.map((p) => 1 / (1 - p / 100));
      const data = [
        x,
        ...metrics.map(([, s]) =>
          xs.map((p) => {
            let v = null;
            for (const [q, ms] of s.distribution) if (Math.min(q, 99.999) <= p) v = ms;
            return v === null ? null : Math.max(v, 0.001);
          }),
        ),
      ];
      return {
        data,
        opts: {
          width,
          height: 280,
          scales: { x: { distr: 3, log: 10 }, y: { distr: 3, log: 10 } },
          axes: [
            {
              values: (u, vals) => vals.map(pctLabel),
              splits: () => pctTicks.filter((t) => t <= x[x.length - 1] * 1.01),
              label: 'percentile',
            },
            { values: (u, vals) => vals.map((v) => fmtMs(v)), size: 70 },
          ],
          series: [
            { value: (u, v) => (v == null ? '–' : pctLabel(v)) },
            ...metrics.map(([name], i) => ({
              label: name,
              stroke: PALETTE[i % PALETTE.length],
              width: 2,
              value: (u, v) => fmtMs(v),
              points: { show: false },
            })),
          ],
        },
      };
    });
  }
  function latencyOverTime(r) {
    return chartBox('Delivery latency over time (ms, deliver.intended)', (width) => {
      const s = r.series;
      const data = [
        s.t,
        s.p50 || s.t.map(() => null),
        s.p99 || s.t.map(() => null),
        s.max || s.t.map(() => null),
      ];
      return {
        data,
        opts: {
          width,
          height: 240,
          scales: { x: { time: false } },
          axes: [{ label: 'seconds' }, { values: (u, vals) => vals.map((v) => fmtMs(v)), size: 70 }],
          series: [
            { label: 's' },
            { label: 'p50', stroke: PALETTE[2], width: 2 },
            { label: 'p99', stroke: PALETTE[1], width: 2 },
            { label: 'max', stroke: '#adb5bd', width: 1, dash: [4, 4] },
          ],
        },
      };
    });
  }
  function throughputOverTime(r) {
    return chartBox('Throughput over time (messages/s) and connected clients', (width) => {
      const s = r.series;
      const data = [s.t, s.sent, s.acked, s.delivered, s.errors, s.connected];
      return {
        data,
        opts: {
          width,
          height: 240,
          scales: { x: { time: false }, c: {} },
          axes: [
            { label: 'seconds' },
            { size: 60 },
            { scale: 'c', side: 1, grid: { show: false }, size: 50 },
          ],
          series: [
            { label: 's' },
            { label: 'sent', stroke: PALETTE[0], width: 2 },
            { label: 'acked', stroke: PALETTE[4], width: 1.5 },
            { label: 'delivered', stroke: PALETTE[2], width: 2 },
            { label: 'errors', stroke: '#d92d20', width: 1.5 },
            { label: 'connected', stroke: '#adb5bd', scale: 'c', width: 1.5, dash: [5, 4] },
          ],
        },
      };
    });
  }
  function simpleTable(head, rows, numFrom = 1) {
    return h(
      'div',
      { class: 'tablewrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            head.map((t, i) => h('th', { class: i >= numFrom ? 'num' : '', text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((r) =>
            h(
              'tr',
              {},
              r.map((v, i) =>
                v instanceof Node
                  ? h('td', { class: i >= numFrom ? 'num' : '' }, v)
                  : h('td', { class: i >= numFrom ? 'num' : '', text: v }),
              ),
            ),
          ),
        ),
      ),
    );
  }
  function latencyTable(lat) {
    return simpleTable(
      ['metric', 'count', 'min', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
      Object.entries(lat).map(([n, s]) => [
        n,
        fmtNum(s.count),
        fmtMs(s.min),
        fmtMs(s.p50),
        fmtMs(s.p90),
        fmtMs(s.p99),
        fmtMs(s.p999),
        fmtMs(s.max),
        fmtMs(s.mean),
      ]),
    );
  }
  function renderLoad(sec) {
    for (const r of loads) {
      const secs = Math.max(r.durationMs / 1000, 1e-9);
      const sent = r.series.sent.reduce((a, b) => a + b, 0);
      sec.append(
        h(
          'h2',
          {},
          `${r.id} `,
          h('span', {
            class: 'muted',
            text: `${r.title || ''} · broker ${r.broker} · ${(r.durationMs / 1000).toFixed(1)} s · ${r.startedAt}`,
          }),
        ),
      );
      if (r.generator.saturated)
        sec.append(
          h('div', {
            class: 'warn',
            text: 'The load generator was saturated (CPU or event-loop lag): latency figures may reflect the generator, not the broker. Use more workers or shards.',
          }),
        );
      const d = r.latency['deliver.intended'];
      sec.append(
        h(
          'div',
          { class: 'card' },
          h(
            'div',
            { class: 'stats' },
            [
              ['p50 deliver', fmtMs(d && d.p50)],
              ['p99 deliver', fmtMs(d && d.p99)],
              ['p99.9 deliver', fmtMs(d && d.p999)],
              ['sent', fmtRate(sent / secs)],
              ['delivered', fmtRate(r.ledger.delivered / secs)],
              ['delivered ratio', fmtPct(r.ledger.deliveredRatio)],
            ].map(([l, v]) =>
              h(
                'div',
                { class: 'stat' },
                h('span', { class: 'big', text: v }),
                h('span', { class: 'label', text: l }),
              ),
            ),
          ),
        ),
      );
      sec.append(
        h('div', { class: 'charts' }, percentileChart(r), latencyOverTime(r), throughputOverTime(r)),
      );
      sec.append(h('h3', { text: 'Latency' }), latencyTable(r.latency));
      if (r.thresholds.length) {
        sec.append(
          h('h3', { text: 'Thresholds' }),
          simpleTable(
            ['result', 'threshold', 'actual', 'limit'],
            r.thresholds.map((t) => [
              h('span', { class: t.passed ? 'ok-t' : 'bad-t', text: t.passed ? '✓ pass' : '✗ fail' }),
              t.expression,
              t.actual === null ? 'no data' : `${fmtNum(t.actual)} ${t.unit}`,
              `${fmtNum(t.limit)} ${t.unit}`,
            ]),
            2,
          ),
        );
      }
      sec.append(
        h('h3', { text: 'Groups' }),
        simpleTable(
          [
            'group',
            'role',
            'qos',
            'clients',
            'connected',
            'connect failures',
            'sent',
            'acked',
            'delivered',
            'p99 latency',
          ],
          r.groups.map((g) => {
            const l = g.latency['deliver.intended'] || g.latency.puback || Object.values(g.latency)[0];
            return [
              g.name,
              g.role,
              String(g.qos),
              fmtNum(g.clients),
              fmtNum(g.connected),
              fmtNum(g.connectFailures),
              fmtNum(g.sent),
              fmtNum(g.acked),
              fmtNum(g.delivered),
              fmtMs(l && l.p99),
            ];
          }),
          2,
        ),
      );
      for (const g of r.groups)
        if (Object.keys(g.latency).length)
          sec.append(h('div', { class: 'muted', text: `group ${g.name} latency` }), latencyTable(g.latency));
      const L = r.ledger;
      sec.append(
        h('h3', { text: 'Delivery ledger' }),
        simpleTable(
          ['qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
          [
            ...Object.entries(L.byQos).map(([q, x]) => [
              `QoS ${q}`,
              fmtNum(x.expected),
              fmtNum(x.delivered),
              fmtNum(x.lost),
              fmtNum(x.duplicated),
              fmtNum(x.outOfOrder),
            ]),
            [
              'total',
              fmtNum(L.expected),
              fmtNum(L.delivered),
              fmtNum(L.lost),
              fmtNum(L.duplicated),
              fmtNum(L.outOfOrder),
            ],
          ],
        ),
      );
      if (L.pairs.length)
        sec.append(
          h('div', { class: 'muted', text: 'worst publisher → subscriber pairs' }),
          simpleTable(
            ['publisher', 'subscriber', 'qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
            L.pairs.map((p) => [
              p.publisher,
              p.subscriber,
              String(p.qos),
              fmtNum(p.expected),
              fmtNum(p.delivered),
              fmtNum(p.lost),
              fmtNum(p.duplicated),
              fmtNum(p.outOfOrder),
            ]),
            2,
          ),
        );
      const G = r.generator;
      sec.append(
        h('h3', { text: 'Generator health' }),
        h(
          'div',
          { class: 'card' },
          h(
            'dl',
            { class: 'kv' },
            h('dt', { text: 'workers' }),
            h('dd', { text: G.workers }),
            h('dt', { text: 'CPU (100% = one core)' }),
            h('dd', { text: `${G.cpuPercent.toFixed(0)}%` }),
            h('dt', { text: 'event-loop lag' }),
            h('dd', {
              text: `p50 ${fmtMs(G.eventLoopLagMs.p50)}, p99 ${fmtMs(G.eventLoopLagMs.p99)}, max ${fmtMs(G.eventLoopLagMs.max)}`,
            }),
            h('dt', { text: 'send lag' }),
            h('dd', {
              text: `p50 ${fmtMs(G.sendLagMs.p50)}, p99 ${fmtMs(G.sendLagMs.p99)}, max ${fmtMs(G.sendLagMs.max)}`,
            }),
            h('dt', { text: 'saturated' }),
            h('dd', { class: G.saturated ? 'bad-t' : 'ok-t', text: G.saturated ? 'yes' : 'no' }),
          ),
          G.warnings.map((w) => h('div', { class: 'warn', text: w })),
        ),
      );
    }
  }

  // ---------------------------------------------------------------------------------------- boot
  renderOverview(panel('overview', 'Overview'));
  if (cases.length) renderCases(panel('cases', `Cases (${cases.length})`));
  if (doc.conformance && doc.conformance.statements.length)
    renderStatements(panel('statements', 'Statements'));
  if (loads.length) renderLoad(panel('load', `Load (${loads.length})`));
  show(location.hash.slice(1) || 'overview');
  document.body.setAttribute('data-ready', 'true');
})();
