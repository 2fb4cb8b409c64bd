// Shared plain-text formatting for reporters: packets one line each, numbers, durations, outcomes.
import type { Outcome, TranscriptEntry } from '../results/model.ts';

export const OUTCOMES: readonly Outcome[] = [
  'pass',
  'fail',
  'non-strict',
  'informational',
  'not-applicable',
  'error',
];

const SKIP_KEYS = new Set([
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

function short(value: unknown, max = 60): string {
  let s: string;
  if (value && typeof value === 'object' && '$hex' in value) {
    const hex = String((value as { $hex: unknown }).$hex);
    s = `0x${hex.length > max ? `${hex.slice(0, max)}…` : hex}`;
    return s;
  }
  s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One line for a decoded packet: `PUBLISH qos=1 id=7 topic="a/b" payload="hi" retain {props}`. */
export function describePacket(p: Record<string, unknown> | undefined): string {
  if (!p) return '';
  const parts: string[] = [String(p.cmd ?? '?').toUpperCase()];
  if (typeof p.qos === 'number' && p.cmd === 'publish') parts.push(`qos=${p.qos}`);
  if (p.messageId !== undefined) parts.push(`id=${String(p.messageId)}`);
  if (p.topic !== undefined) parts.push(`topic=${short(p.topic)}`);
  if (p.payload !== undefined && p.payload !== null) parts.push(`payload=${short(p.payload, 40)}`);
  if (p.retain === true) parts.push('retain');
  if (p.dup === true) parts.push('dup');
  for (const [k, v] of Object.entries(p)) {
    if (SKIP_KEYS.has(k) || v === undefined || v === null || v === false) continue;
    parts.push(`${k}=${short(v, 80)}`);
  }
  if (p.properties && typeof p.properties === 'object' && Object.keys(p.properties).length > 0) {
    parts.push(`props=${short(p.properties, 120)}`);
  }
  return parts.join(' ');
}

/** One line for a transcript entry: `  12.3ms sub  <- PUBLISH ...`. */
export function describeEntry(e: TranscriptEntry): string {
  const arrow = e.dir === 'out' ? '->' : e.dir === 'in' ? '<-' : '..';
  const body = e.packet ? describePacket(e.packet) : '';
  const note = e.note ? (body ? `  (${e.note})` : e.note) : '';
  const raw = !body && !note && e.hex ? `raw ${e.hex.slice(0, 64)}` : '';
  return `${fmtMs(e.t).padStart(9)} ${e.client.padEnd(8)} ${arrow} ${body}${note}${raw}`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(0)}µs`;
}

export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtRate(perSec: number): string {
  if (perSec >= 1000) return `${(perSec / 1000).toFixed(1)}k/s`;
  return `${perSec.toFixed(perSec >= 10 ? 0 : 1)}/s`;
}

export function fmtPct(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  const pct = ratio * 100;
  return `${pct >= 99.99 && pct < 100 ? pct.toFixed(3) : pct.toFixed(2)}%`;
}

/** JSON for expected/actual values, bounded. */
export function fmtValue(v: unknown, max = 400): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Messages delivered per second over the whole run. */
export function deliveredRate(delivered: number, durationMs: number): number {
  return durationMs > 0 ? delivered / (durationMs / 1000) : 0;
}
