// Detected capabilities: what each broker announced in CONNACK (and its profile said), one card per broker,
// so a not-applicable case can be traced to the capability it needed.
import { doc } from './data.ts';
import { h } from './dom.ts';

function capabilityValue(v: unknown): string {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (v === null || v === undefined) return '–';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function renderCapabilities(sec: HTMLElement): void {
  const withCaps = doc.brokers.filter((b) => b.capabilities && Object.keys(b.capabilities).length);
  if (!withCaps.length) return;
  const grid = h('div', { class: 'grid', id: 'capabilities' });
  for (const b of withCaps) {
    const entries = Object.entries(b.capabilities ?? {}).sort(([a], [z]) => a.localeCompare(z));
    grid.append(
      h(
        'div',
        { class: 'card capabilities', 'data-broker': b.label },
        h('h3', { style: 'margin-top:0' }, b.label, ' ', h('span', { class: 'muted mono', text: b.url })),
        h(
          'dl',
          { class: 'caps' },
          entries.map(([k, v]) => [
            h('dt', { class: 'mono', text: k }),
            h('dd', {
              class: v === false ? 'cap-no' : v === true ? 'cap-yes' : '',
              text: capabilityValue(v),
            }),
          ]),
        ),
      ),
    );
  }
  sec.append(h('h2', { text: 'Detected capabilities' }), grid);
}
