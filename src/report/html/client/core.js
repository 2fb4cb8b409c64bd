// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// mqtt-crucible HTML report, client side. Plain browser JS, no network: reads the results document
// embedded in <script id="crucible-data" type="application/json"> and builds the views with DOM
// methods only (textContent everywhere, so no markup from the data is ever interpreted).
// Files in src/report/html/client/ are concatenated in order (CLIENT_FILES in ../index.ts: core, overview,
// capabilities, url-state, cases, matrix, statements, load-series, load, boot)
// inside one function scope by ../index.ts.
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
// The same rule as src/results/grade.ts `gates`: under a baseline only a new or worse result fails the run.
const gates = (c) =>
  c.baseline
    ? c.baseline.status === 'new' || c.baseline.status === 'worse'
    : c.outcome === 'fail' || c.outcome === 'error';
const isExpected = (c) => !!c.baseline && !gates(c) && c.outcome !== 'pass' && c.outcome !== 'not-applicable';
/** A case is (broker, version, id): ids repeat across the MQTT versions. */
const caseKey = (c) => `${c.broker}\u0000${c.version}\u0000${c.id}`;
/** Case detail lines for --repeat attempts and the baseline's judgement. */
function gradingDetail(c) {
  const out = [];
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
function caseBadge(c) {
  const tags = [];
  if (isExpected(c))
    tags.push([
      'expected',
      c.baseline.entry ? `baseline ${c.baseline.entry.source}: ${c.baseline.entry.why}` : '',
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
  if (p.properties && Object.keys(p.properties).length) parts.push(`properties=${short(p.properties, 200)}`);
  return parts.join(' ');
}
const pretty = (v) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

// ---------------------------------------------------------------------------------------- data
const doc = DATA.doc;
const STATEMENT_TEXT = DATA.statements || {};
/** The statement's section and paraphrase from the inventory shipped with crucible, if known. */
const statementOf = (version, id) => STATEMENT_TEXT[`${version === '5.0' ? '5.0' : '3.1.1'} ${id}`];
const cases = [...(doc.conformance?.cases || []), ...(doc.scenarios || [])];
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
  if (id === 'cases' && renderCaseList) {
    // A link with filters applies them; the bare tab keeps the current filters (and puts them in the URL).
    const params = hashState().params;
    if ([...params.keys()].length) applyCaseParams(params);
    else syncCaseHash();
  }
  for (const p of panels) {
    document.getElementById(`panel-${p}`).classList.toggle('active', p === id);
    nav.querySelector(`[data-tab="${p}"]`).classList.toggle('active', p === id);
  }
  if (id === 'load') drawCharts();
}
window.addEventListener('hashchange', () => show(hashState().tab));
