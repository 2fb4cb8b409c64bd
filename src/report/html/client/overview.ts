// Overview tab: per-broker outcome cards and per-load-result headline cards, then outcomes by area.
import type { BrokerInfo, CaseResult, LoadResult } from '../../../results/model.ts';
import { capabilityPairs, notApplicableGroups, variationEntries } from '../../detected.ts';
import { fmtMs, fmtPct, fmtRate, HTML, OUTCOMES } from '../../format.ts';
import { brokers, cases, doc, loads } from './data.ts';
import { type Child, h } from './dom.ts';
import { countsOf, gates, isExpected, outcomeBar } from './grading.ts';
import { hashFor } from './url-state.ts';

const stat = (big: Child, label: string): HTMLDivElement =>
  h(
    'div',
    { class: 'stat' },
    h('span', { class: 'big', text: big }),
    h('span', { class: 'label', text: label }),
  );

/** A collapsed `<details>` block with its summary line. */
const details = (cls: string, summary: string, body: Child): HTMLDetailsElement =>
  h('details', { class: cls }, h('summary', { text: summary }), body);

// What was detected (and what the profile's features: set), why cases were not applicable, allowed variations.
function detectedBlock(info: BrokerInfo | undefined, list: readonly CaseResult[]): HTMLDivElement {
  const rows = (info ? capabilityPairs(info) : []).map(([label, value]) =>
    h('tr', {}, h('td', { text: label }), h('td', { class: 'mono', text: value })),
  );
  const na = notApplicableGroups(list);
  const naCount = na.reduce((n, g) => n + g.ids.length, 0);
  const varied = variationEntries(list);
  return h(
    'div',
    { class: 'detected' },
    rows.length ? details('caps', 'Detected capabilities', h('table', {}, h('tbody', {}, rows))) : null,
    na.length
      ? details(
          'na-reasons',
          `Not applicable: ${naCount}`,
          h(
            'ul',
            {},
            na.map((g) =>
              h('li', { title: g.ids.join('\n') }, h('b', { text: `${g.ids.length} × ` }), g.reason),
            ),
          ),
        )
      : null,
    varied.length
      ? details(
          'variations',
          `Allowed variations (not failures): ${varied.length}`,
          h(
            'ul',
            {},
            varied.map(({ c, notes }) => h('li', { text: `${c.id}: ${notes.join('; ')}` })),
          ),
        )
      : null,
  );
}

function brokerCard(b: string, list: readonly CaseResult[]): HTMLDivElement {
  const c = countsOf(list);
  const info = doc.brokers.find((x) => x.label === b);
  const rate = c.total - c['not-applicable'] > 0 ? c.pass / (c.total - c['not-applicable']) : 0;
  const flaky = list.filter((x) => x.flaky).length;
  return h(
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
      stat(`${(rate * 100).toFixed(1)}%`, 'pass rate (applicable cases)'),
      stat(list.filter(gates).length, 'failing'),
      list.some(isExpected) ? stat(list.filter(isExpected).length, 'expected (baseline)') : null,
      flaky ? stat(flaky, 'flaky') : null,
      stat(c.total, 'cases'),
    ),
    outcomeBar(c),
    h(
      'div',
      { class: 'counts' },
      OUTCOMES.filter((o) => c[o] > 0).map((o) => h('span', { class: `badge o-${o}`, text: `${c[o]} ${o}` })),
    ),
    detectedBlock(info, list),
  );
}

function loadCard(r: LoadResult): HTMLDivElement {
  const d = r.latency['deliver.intended'];
  const failed = r.thresholds.filter((t) => !t.passed).length;
  return h(
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
      stat(fmtMs(d?.p99, HTML), 'p99 deliver (intended)'),
      stat(fmtRate(r.ledger.delivered / Math.max(r.durationMs / 1000, 1e-9)), 'delivered'),
      stat(fmtPct(r.ledger.deliveredRatio, HTML), 'ledger'),
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
  );
}

export function renderOverview(sec: HTMLElement): void {
  const grid = h('div', { class: 'grid' });
  for (const b of brokers) {
    const list = cases.filter((c) => c.broker === b);
    if (list.length) grid.append(brokerCard(b, list));
  }
  for (const r of loads) grid.append(loadCard(r));
  if (cases.length) {
    sec.append(grid);
    sec.append(h('h2', { text: 'By area' }), areaTable());
    return;
  }
  if (!grid.children.length)
    grid.append(
      h('div', { class: 'empty', text: 'This results document has no conformance or load results.' }),
    );
  sec.append(grid);
}

interface AreaRow {
  broker: string;
  version: string;
  area: string;
  list: CaseResult[];
}

function areaRows(): Array<AreaRow & { c: ReturnType<typeof countsOf> }> {
  const groups = new Map<string, AreaRow>();
  for (const c of cases) {
    const k = `${c.broker}\u0000${c.version}\u0000${c.area}`;
    const g = groups.get(k) || { broker: c.broker, version: c.version, area: c.area, list: [] };
    g.list.push(c);
    groups.set(k, g);
  }
  const rows = [...groups.values()].map((g) => ({ ...g, c: countsOf(g.list) }));
  rows.sort((a, b) => b.c.fail + b.c.error - (a.c.fail + a.c.error) || a.area.localeCompare(b.area));
  return rows;
}

/** Outcome counts per broker, version and area, worst areas first. */
function areaTable(): HTMLDivElement {
  const head = ['area', 'version', brokers.length > 1 ? 'broker' : null, ...OUTCOMES, 'total', ''].filter(
    (x) => x !== null,
  );
  const row = (r: ReturnType<typeof areaRows>[number]) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h('a', {
          class: 'stmt-link',
          href: hashFor('cases', new URLSearchParams({ area: r.area, version: r.version || '' })),
          text: r.area,
        }),
      ),
      h('td', { text: r.version }),
      brokers.length > 1 ? h('td', { text: r.broker }) : null,
      OUTCOMES.map((o) =>
        h(
          'td',
          { class: 'num' },
          r.c[o]
            ? h('span', { class: `badge o-${o}`, text: r.c[o] })
            : h('span', { class: 'muted', text: '·' }),
        ),
      ),
      h('td', { class: 'num', text: r.c.total }),
      h('td', { style: 'width:160px' }, outcomeBar(r.c)),
    );
  const tbl = h(
    'table',
    { id: 'area-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((t, i) => h('th', { class: i >= head.length - 8 && t ? 'num' : '', text: t })),
      ),
    ),
    h('tbody', {}, areaRows().map(row)),
  );
  return h('div', { class: 'tablewrap' }, tbl);
}
