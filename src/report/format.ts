// Shared formatting for every view, the terminal's and the HTML report's (its client bundles this file, so it stays
// pure: no Node imports): packets one line each, numbers, durations, outcomes. The views differ only in notation
// (a space before a unit, the mark for "no value") and in how much of a packet fits a line.
import type { HistogramSummary, LoadGroupResult, Outcome, TranscriptEntry } from '../results/model.ts';

export const OUTCOMES: readonly Outcome[] = [
  'pass',
  'fail',
  'non-strict',
  'informational',
  'not-applicable',
  'error',
];

/** How a view writes figures: what stands for "no value", and what goes between a number and its unit. */
export interface Notation {
  none: string;
  unitSep: string;
}

/** The terminal, summary.md and JUnit: `12.30ms`, `-`. */
export const TEXT: Notation = { none: '-', unitSep: '' };
/** The HTML report: `12.30 ms`, `–`. */
export const HTML: Notation = { none: '–', unitSep: ' ' };

/** How much of a packet one line shows: the longest topic, payload (text and hex), other field and properties. */
export interface PacketLimits {
  topic: number;
  payload: number;
  payloadHex: number;
  field: number;
  properties: number;
  /** The name the properties go by on the line. */
  propertiesKey: string;
}

export const TEXT_PACKET: PacketLimits = {
  topic: 60,
  payload: 40,
  payloadHex: 40,
  field: 80,
  properties: 120,
  propertiesKey: 'props',
};
/** The HTML transcript has room for more, and shows a binary payload whole (the transcript bounds it already). */
export const HTML_PACKET: PacketLimits = {
  topic: 80,
  payload: 80,
  payloadHex: Number.POSITIVE_INFINITY,
  field: 100,
  properties: 200,
  propertiesKey: 'properties',
};

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

function short(value: unknown, max = 60, hexMax = max): string {
  if (value && typeof value === 'object' && '$hex' in value) {
    const hex = String((value as { $hex: unknown }).$hex);
    return `0x${hex.length > hexMax ? `${hex.slice(0, hexMax)}…` : hex}`;
  }
  const s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One line for a decoded packet: `PUBLISH qos=1 id=7 topic="a/b" payload="hi" retain {props}`. */
export function describePacket(p: Record<string, unknown> | undefined, limits = TEXT_PACKET): string {
  if (!p) return '';
  const parts: string[] = [String(p.cmd ?? '?').toUpperCase()];
  if (typeof p.qos === 'number' && p.cmd === 'publish') parts.push(`qos=${p.qos}`);
  if (p.messageId !== undefined) parts.push(`id=${String(p.messageId)}`);
  if (p.topic !== undefined) parts.push(`topic=${short(p.topic, limits.topic)}`);
  if (p.payload !== undefined && p.payload !== null)
    parts.push(`payload=${short(p.payload, limits.payload, limits.payloadHex)}`);
  if (p.retain === true) parts.push('retain');
  if (p.dup === true) parts.push('dup');
  for (const [k, v] of Object.entries(p)) {
    if (SKIP_KEYS.has(k) || v === undefined || v === null || v === false) continue;
    parts.push(`${k}=${short(v, limits.field)}`);
  }
  if (p.properties && typeof p.properties === 'object' && Object.keys(p.properties).length > 0) {
    parts.push(`${limits.propertiesKey}=${short(p.properties, limits.properties)}`);
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

export function fmtMs(ms: number | null | undefined, n = TEXT): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return n.none;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}${n.unitSep}s`;
  if (ms >= 100) return `${ms.toFixed(0)}${n.unitSep}ms`;
  if (ms >= 1) return `${ms.toFixed(2)}${n.unitSep}ms`;
  return `${(ms * 1000).toFixed(0)}${n.unitSep}µs`;
}

export function fmtNum(v: number | null | undefined, n = TEXT): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return n.none;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtRate(perSec: number): string {
  if (perSec >= 1000) return `${(perSec / 1000).toFixed(1)}k/s`;
  return `${perSec.toFixed(perSec >= 10 ? 0 : 1)}/s`;
}

/** A ratio as a percentage; three decimals where two would round 99.995% up to a misleading 100.00%. */
export function fmtPct(ratio: number, n = TEXT): string {
  if (!Number.isFinite(ratio)) return n.none;
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

/** The cells every view's load group table starts with: name, role, QoS, clients, connected, connect failures,
 *  sent, acked, delivered. */
export function groupCells(g: LoadGroupResult, n = TEXT): string[] {
  return [
    g.name,
    g.role,
    String(g.qos),
    fmtNum(g.clients, n),
    fmtNum(g.connected, n),
    fmtNum(g.connectFailures, n),
    fmtNum(g.sent, n),
    fmtNum(g.acked, n),
    fmtNum(g.delivered, n),
  ];
}

/** The cells every view's latency table starts with: metric, count, min, p50, p90, p99, p99.9, max. */
export function latencyCells(name: string, s: HistogramSummary, n = TEXT): string[] {
  return [
    name,
    fmtNum(s.count, n),
    fmtMs(s.min, n),
    fmtMs(s.p50, n),
    fmtMs(s.p90, n),
    fmtMs(s.p99, n),
    fmtMs(s.p999, n),
    fmtMs(s.max, n),
  ];
}
