// One case opened in the list: what it is, the statements it cites, expected versus actual, strict-checker
// findings, attempts and baseline, and its wire transcript (raw hex on demand).
import type { CaseResult } from '../../../results/model.ts';
import { describePacket, HTML_PACKET } from '../../format.ts';
import { statementOf } from './data.ts';
import { h } from './dom.ts';
import { gradingDetail } from './grading.ts';
import { hashFor } from './url-state.ts';

const pretty = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);

function transcriptTable(c: CaseResult): HTMLTableElement {
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
    const text = e.packet
      ? describePacket(e.packet, HTML_PACKET) + (e.note ? `  (${e.note})` : '')
      : e.note || '';
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

function statementList(c: CaseResult): HTMLUListElement {
  return h(
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
  );
}

/** Where the case failed, with what was expected next to what arrived. */
function failureBlock(c: CaseResult): HTMLElement[] {
  const f = c.failure;
  if (!f) return [];
  const out: HTMLElement[] = [
    h('h4', {
      text: `Failed at step ${f.stepIndex + 1}: ${f.step}${f.statement ? ` (${f.statement})` : ''}`,
    }),
  ];
  if (f.message && f.message !== c.reason) out.push(h('div', { text: f.message }));
  out.push(
    h(
      'div',
      { class: 'ea' },
      h('div', { class: 'exp' }, h('h4', { text: 'Expected' }), h('pre', { text: pretty(f.expected) })),
      h('div', { class: 'act' }, h('h4', { text: 'Actual' }), h('pre', { text: pretty(f.actual) })),
    ),
  );
  return out;
}

function transcriptBlock(c: CaseResult): HTMLElement[] {
  if (!c.transcript?.length)
    return [h('h4', { text: 'Wire transcript' }), h('div', { class: 'muted', text: 'no packets exchanged' })];
  const tbl = transcriptTable(c);
  const btn = h('button', {
    class: 'btn hex-toggle',
    text: 'raw hex',
    onclick: (ev: Event) => {
      ev.stopPropagation();
      btn.classList.toggle('on');
      for (const x of tbl.querySelectorAll('.hex')) x.classList.toggle('hidden');
    },
  });
  return [h('h4', {}, `Wire transcript (${c.transcript.length}) `, btn), tbl];
}

export function caseDetail(c: CaseResult): HTMLDivElement {
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
  d.append(h('h4', { text: 'Statements' }), statementList(c));
  if (c.reason) d.append(h('div', { class: 'reason', text: c.reason }));
  d.append(...failureBlock(c));
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
  d.append(...gradingDetail(c), ...transcriptBlock(c));
  return d;
}
