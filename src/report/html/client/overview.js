// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Overview tab: per-broker outcome cards and per-load-result headline cards.
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
const CAP_LABELS = [
  ['mqtt5', 'MQTT 5.0'],
  ['mqtt311', 'MQTT 3.1.1'],
  ['ws', 'WebSocket'],
  ['maximumQoS', 'maximum QoS (5.0)'],
  ['mqtt311MaximumQoS', 'maximum QoS granted (3.1.1)'],
  ['retainAvailable', 'retain'],
  ['wildcardSubscriptionAvailable', 'wildcard subscriptions'],
  ['sharedSubscriptionAvailable', 'shared subscriptions'],
  ['subscriptionIdentifiersAvailable', 'subscription identifiers'],
  ['receiveMaximum', 'receive maximum'],
  ['topicAliasMaximum', 'topic alias maximum'],
  ['maximumPacketSize', 'maximum packet size'],
  ['serverKeepAlive', 'server keep alive'],
  ['inflightDeliveries', 'deliveries in flight'],
];
const capText = (v) => (v === true ? 'yes' : v === false ? 'no' : v == null ? 'not announced' : String(v));
// What was detected (and what the profile's features: set), why cases were not applicable, allowed variations.
function detectedBlock(info, list) {
  const caps = info?.capabilities || {};
  const features = info?.profile?.features || {};
  const rows = CAP_LABELS.filter(([k]) => k in caps || k in features).map(([k, l]) =>
    h(
      'tr',
      {},
      h('td', { text: l }),
      h('td', {
        class: 'mono',
        text:
          capText(caps[k]) +
          (k === 'inflightDeliveries' && caps[k] >= 25 ? ' or more' : '') +
          (k in features ? ' (profile)' : ''),
      }),
    ),
  );
  const groups = new Map();
  for (const c of list.filter((x) => x.outcome === 'not-applicable')) {
    const r = c.reason || 'no reason recorded';
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r).push(`${c.version} ${c.id}`);
  }
  const na = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  const varied = list.filter((c) => c.variations?.length);
  return h(
    'div',
    { class: 'detected' },
    rows.length
      ? h(
          'details',
          { class: 'caps' },
          h('summary', { text: 'Detected capabilities' }),
          h('table', {}, h('tbody', {}, rows)),
        )
      : null,
    na.length
      ? h(
          'details',
          { class: 'na-reasons' },
          h('summary', {
            text: `Not applicable: ${list.filter((x) => x.outcome === 'not-applicable').length}`,
          }),
          h(
            'ul',
            {},
            na.map(([r, ids]) => h('li', { title: ids.join('\n') }, h('b', { text: `${ids.length} × ` }), r)),
          ),
        )
      : null,
    varied.length
      ? h(
          'details',
          { class: 'variations' },
          h('summary', { text: `Allowed variations (not failures): ${varied.length}` }),
          h(
            'ul',
            {},
            varied.map((c) => h('li', { text: `${c.id}: ${c.variations.join('; ')}` })),
          ),
        )
      : null,
  );
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
            h('span', { class: 'big', text: list.filter(gates).length }),
            h('span', { class: 'label', text: 'failing' }),
          ),
          list.some(isExpected)
            ? h(
                'div',
                { class: 'stat' },
                h('span', { class: 'big', text: list.filter(isExpected).length }),
                h('span', { class: 'label', text: 'expected (baseline)' }),
              )
            : null,
          list.some((x) => x.flaky)
            ? h(
                'div',
                { class: 'stat' },
                h('span', { class: 'big', text: list.filter((x) => x.flaky).length }),
                h('span', { class: 'label', text: 'flaky' }),
              )
            : null,
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
        detectedBlock(info, list),
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
            h('span', { class: 'big', text: fmtMs(d?.p99) }),
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

/** Outcome counts per broker, version and area, worst areas first. */
function areaTable() {
  const groups = new Map();
  for (const c of cases) {
    const k = `${c.broker}\u0000${c.version}\u0000${c.area}`;
    const g = groups.get(k) || { broker: c.broker, version: c.version, area: c.area, list: [] };
    g.list.push(c);
    groups.set(k, g);
  }
  const rows = [...groups.values()].map((g) => ({ ...g, c: countsOf(g.list) }));
  rows.sort((a, b) => b.c.fail + b.c.error - (a.c.fail + a.c.error) || a.area.localeCompare(b.area));
  const head = ['area', 'version', brokers.length > 1 ? 'broker' : null, ...OUTCOMES, 'total', ''].filter(
    (x) => x !== null,
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
    h(
      'tbody',
      {},
      rows.map((r) =>
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
        ),
      ),
    ),
  );
  return h('div', { class: 'tablewrap' }, tbl);
}
