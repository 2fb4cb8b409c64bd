// Merging results documents (`crucible report a.json b.json ...`): shards of one run or runs against
// several brokers or versions. A case is (broker, version, id); cases are concatenated and statement
// verdicts and summaries recomputed; load results of the same profile id + broker are merged exactly
// (HDR histograms decoded and added, then summarised; counters, series and ledger added) and their
// thresholds re-evaluated, but only when they are shards of one run (`--shard i/N`, same N, distinct i).
// Separate runs of the same cases or the same load profile on the same broker are refused
// (`MergeRefused`): keeping one would hide the other's verdict, adding them would invent a run.

import { mergeLedgerSummaries } from '../metrics/ledger.ts';
import { statementVerdicts, summarize } from '../results/document.ts';
import type {
  BrokerInfo,
  CaseResult,
  HistogramSummary,
  LoadGroupResult,
  LoadResult,
  ResultsDocument,
} from '../results/model.ts';
import { mergeSummaries } from './hist.ts';
import { reevaluate } from './rethreshold.ts';

const MAX_PAIRS = 20;

function byTime(docs: readonly ResultsDocument[]): ResultsDocument[] {
  // Stable: equal finish times keep argument order, so the later argument is "latest".
  return docs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.run.finishedAt.localeCompare(b.d.run.finishedAt) || a.i - b.i)
    .map((x) => x.d);
}

/** Why a set of documents cannot be merged into one run (the message names the files and the case). */
export class MergeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRefused';
  }
}

type Named = { doc: ResultsDocument; name: string };

/** The shard a document is, from `run.shard` or (older results) its `--shard i/N` argument. */
export function shardOf(doc: ResultsDocument): { index: number; count: number } | undefined {
  if (doc.run.shard) return doc.run.shard;
  const argv = doc.run.argv ?? [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const text = a === '--shard' ? argv[i + 1] : a.startsWith('--shard=') ? a.slice(8) : undefined;
    const m = text ? /^(\d+)\/(\d+)$/.exec(text) : null;
    if (m) return { index: Number(m[1]), count: Number(m[2]) };
  }
  return undefined;
}

function refuseSameRun(docs: readonly Named[]): void {
  const seen = new Map<string, string>();
  for (const { doc, name } of docs) {
    for (const id of doc.run.mergedFrom ?? [doc.run.id]) {
      const prev = seen.get(id);
      if (prev !== undefined)
        throw new MergeRefused(
          `${prev} and ${name} hold the same run (${id}): merging a run with itself would count it twice`,
        );
      seen.set(id, name);
    }
  }
}

/** Cases keyed by (broker, version, id); the same key in two documents is refused. */
function concatCases(lists: Array<{ cases: CaseResult[]; name: string }>): CaseResult[] {
  const by = new Map<string, { c: CaseResult; name: string }>();
  for (const { cases, name } of lists) {
    for (const c of cases) {
      const k = `${c.broker}\u0000${c.version}\u0000${c.id}`;
      const prev = by.get(k);
      if (prev && prev.name !== name)
        throw new MergeRefused(
          `${prev.name} and ${name} both have case ${c.id} (MQTT ${c.version}) on broker '${c.broker}': they are separate runs of the same cases, not parts of one run. Merge runs of different brokers or versions, or give one run another --label`,
        );
      by.set(k, { c, name });
    }
  }
  return [...by.values()].map((x) => x.c);
}

/** Load results of the same profile and broker from several documents must be shards of one run. */
function refuseNonShards(r: LoadResult, parts: Named[]): void {
  if (parts.length < 2) return;
  const shards = parts.map((p) => shardOf(p.doc));
  const names = parts.map((p) => p.name).join(', ');
  const why = (detail: string) =>
    new MergeRefused(
      `${names} all have load result '${r.id}' on broker '${r.broker}' but ${detail}: adding their counts would describe a run that never happened. Run shards with --shard i/N (and a common --start-at), or give separate runs another --label`,
    );
  if (shards.some((s) => s === undefined)) throw why('are not shards of one run (no --shard)');
  const count = shards[0]?.count;
  if (shards.some((s) => s?.count !== count)) throw why('come from different shard counts');
  if (new Set(shards.map((s) => s?.index)).size !== shards.length) throw why('include the same shard twice');
}

function mergeLatency(parts: Array<Record<string, HistogramSummary>>): Record<string, HistogramSummary> {
  const names = [...new Set(parts.flatMap((p) => Object.keys(p)))];
  const out: Record<string, HistogramSummary> = {};
  for (const n of names) {
    const list = parts.map((p) => p[n]).filter((s): s is HistogramSummary => s !== undefined);
    out[n] = list.length === 1 ? (list[0] as HistogramSummary) : mergeSummaries(list);
  }
  return out;
}

function mergeGroups(parts: LoadGroupResult[][]): LoadGroupResult[] {
  const by = new Map<string, LoadGroupResult[]>();
  for (const list of parts) for (const g of list) by.set(g.name, [...(by.get(g.name) ?? []), g]);
  return [...by.values()].map((gs) => {
    const first = gs[0] as LoadGroupResult;
    const sum = (k: 'clients' | 'connected' | 'connectFailures' | 'sent' | 'acked' | 'delivered') =>
      gs.reduce((a, g) => a + g[k], 0);
    return {
      ...first,
      clients: sum('clients'),
      connected: sum('connected'),
      connectFailures: sum('connectFailures'),
      sent: sum('sent'),
      acked: sum('acked'),
      delivered: sum('delivered'),
      latency: mergeLatency(gs.map((g) => g.latency)),
    };
  });
}

type Series = LoadResult['series'];

/** Per-second series aligned on t (shards share a start time); counts add, latency keeps the worst. */
function mergeSeries(parts: Series[]): Series {
  const ts = [...new Set(parts.flatMap((s) => s.t))].sort((a, b) => a - b);
  const counts = ['sent', 'acked', 'delivered', 'connected', 'errors'] as const;
  const out: Series = { t: ts, sent: [], acked: [], delivered: [], connected: [], errors: [] };
  for (const k of counts) {
    out[k] = ts.map((t) => parts.reduce((a, s) => a + (s[k][s.t.indexOf(t)] ?? 0), 0));
  }
  for (const k of ['p50', 'p99', 'max'] as const) {
    if (!parts.some((s) => s[k])) continue;
    // Percentiles of a second cannot be added: the merged point is the worst part's (an upper bound).
    out[k] = ts.map((t) => {
      const vals = parts.map((s) => s[k]?.[s.t.indexOf(t)]).filter((v): v is number => typeof v === 'number');
      return vals.length ? Math.max(...vals) : null;
    });
  }
  return out;
}

function mergeLedger(parts: LoadResult['ledger'][]): LoadResult['ledger'] {
  // Exact when every shard kept its per-pair counts: pairs whose publisher and subscriber ran in different
  // shards only add up correctly pair by pair.
  const exact = mergeLedgerSummaries(parts);
  if (exact) return exact;
  const sum = (k: 'expected' | 'delivered' | 'lost' | 'duplicated' | 'outOfOrder') =>
    parts.reduce((a, l) => a + l[k], 0);
  const byQos: LoadResult['ledger']['byQos'] = {};
  for (const l of parts) {
    for (const [q, x] of Object.entries(l.byQos)) {
      const t = byQos[q] ?? { expected: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
      t.expected += x.expected;
      t.delivered += x.delivered;
      t.lost += x.lost;
      t.duplicated += x.duplicated;
      t.outOfOrder += x.outOfOrder;
      byQos[q] = t;
    }
  }
  const expected = sum('expected');
  const delivered = sum('delivered');
  const badness = (p: { lost: number; duplicated: number; outOfOrder: number }) =>
    p.lost + p.duplicated + p.outOfOrder;
  return {
    expected,
    delivered,
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    outOfOrder: sum('outOfOrder'),
    deliveredRatio: expected > 0 ? delivered / expected : 1,
    byQos,
    pairs: parts
      .flatMap((l) => l.pairs)
      .sort((a, b) => badness(b) - badness(a))
      .slice(0, MAX_PAIRS),
  };
}

export function mergeLoadResults(parts: readonly LoadResult[]): LoadResult {
  const first = parts[0];
  if (!first) throw new Error('mergeLoadResults: nothing to merge');
  if (parts.length === 1) return first;
  const start = Math.min(...parts.map((p) => Date.parse(p.startedAt)));
  const end = Math.max(...parts.map((p) => Date.parse(p.startedAt) + p.durationMs));
  const counters: Record<string, number> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p.counters)) counters[k] = (counters[k] ?? 0) + v;
  const gens = parts.map((p) => p.generator);
  const maxOf = (xs: number[]) => Math.max(...xs);
  const merged: LoadResult = {
    ...first,
    startedAt: new Date(start).toISOString(),
    durationMs: Number.isFinite(end - start) ? end - start : Math.max(...parts.map((p) => p.durationMs)),
    latency: mergeLatency(parts.map((p) => p.latency)),
    groups: mergeGroups(parts.map((p) => p.groups)),
    series: mergeSeries(parts.map((p) => p.series)),
    ledger: mergeLedger(parts.map((p) => p.ledger)),
    counters,
    thresholds: [],
    generator: {
      workers: gens.reduce((a, g) => a + g.workers, 0),
      cpuPercent: gens.reduce((a, g) => a + g.cpuPercent, 0),
      eventLoopLagMs: {
        p50: maxOf(gens.map((g) => g.eventLoopLagMs.p50)),
        p99: maxOf(gens.map((g) => g.eventLoopLagMs.p99)),
        max: maxOf(gens.map((g) => g.eventLoopLagMs.max)),
      },
      sendLagMs: {
        p50: maxOf(gens.map((g) => g.sendLagMs.p50)),
        p99: maxOf(gens.map((g) => g.sendLagMs.p99)),
        max: maxOf(gens.map((g) => g.sendLagMs.max)),
      },
      saturated: gens.some((g) => g.saturated),
      warnings: [...new Set(gens.flatMap((g) => g.warnings))],
    },
  };
  // Thresholds by expression, in first-seen order; re-evaluated on the merged figures.
  const exprs = [...new Set(parts.flatMap((p) => p.thresholds.map((t) => t.expression)))];
  merged.thresholds = exprs.map((e) => {
    const all = parts.flatMap((p) => p.thresholds.filter((t) => t.expression === e));
    return reevaluate(
      merged,
      all[0] as (typeof all)[number],
      all.every((t) => t.passed),
    );
  });
  return merged;
}

function mergeBrokers(docs: readonly ResultsDocument[]): BrokerInfo[] {
  const by = new Map<string, BrokerInfo>();
  for (const d of docs) {
    for (const b of d.brokers) {
      const prev = by.get(b.label);
      by.set(
        b.label,
        prev ? { ...prev, ...b, capabilities: { ...prev.capabilities, ...b.capabilities } } : b,
      );
    }
  }
  return [...by.values()];
}

/** Merges documents (see the file comment); `names` (file names) go into the refusal messages. */
export function mergeDocuments(docs: readonly ResultsDocument[], names?: readonly string[]): ResultsDocument {
  const first = docs[0];
  if (!first) throw new Error('mergeDocuments: no documents');
  if (docs.length === 1) return first;
  const named: Named[] = docs.map((doc, i) => ({ doc, name: names?.[i] ?? `document ${i + 1}` }));
  refuseSameRun(named);
  const nameOf = new Map(named.map((n) => [n.doc, n.name]));
  const ordered = byTime(docs);
  const latest = ordered[ordered.length - 1] as ResultsDocument;
  const commands = new Set(docs.map((d) => d.run.command));
  const { shard: _shard, ...runRest } = latest.run;
  const out: ResultsDocument = {
    ...latest,
    run: {
      ...runRest,
      id: `merged-${latest.run.id}`,
      startedAt: docs.map((d) => d.run.startedAt).sort()[0] as string,
      finishedAt: docs
        .map((d) => d.run.finishedAt)
        .sort()
        .at(-1) as string,
      command: commands.size === 1 ? first.run.command : 'report',
      mergedFrom: docs.flatMap((d) => d.run.mergedFrom ?? [d.run.id]),
    },
    brokers: mergeBrokers(docs),
  };
  delete out.conformance;
  delete out.scenarios;
  delete out.load;
  const withConf = ordered.filter((d) => d.conformance);
  if (withConf.length > 0) {
    const cases = concatCases(
      withConf.map((d) => ({ cases: d.conformance?.cases ?? [], name: nameOf.get(d) ?? '' })),
    );
    out.conformance = { cases, statements: statementVerdicts(cases), summary: summarize(cases) };
  }
  const withScen = ordered.filter((d) => d.scenarios);
  if (withScen.length > 0)
    out.scenarios = concatCases(
      withScen.map((d) => ({ cases: d.scenarios ?? [], name: nameOf.get(d) ?? '' })),
    );
  const groups = new Map<string, Array<{ r: LoadResult; from: Named }>>();
  for (const from of named) {
    for (const r of from.doc.load ?? []) {
      const k = `${r.broker}\u0000${r.id}`;
      groups.set(k, [...(groups.get(k) ?? []), { r, from }]);
    }
  }
  if (groups.size > 0) {
    out.load = [...groups.values()].map((g) => {
      refuseNonShards(
        g[0]?.r as LoadResult,
        g.map((x) => x.from),
      );
      return mergeLoadResults(g.map((x) => x.r));
    });
  }
  const interrupted = docs.map((d) => d.run.interrupted).find((x) => x !== undefined);
  if (interrupted) out.run.interrupted = interrupted;
  else delete out.run.interrupted;
  const baselines = docs.map((d) => d.run.baseline).filter((x) => x !== undefined);
  if (baselines.length > 0)
    out.run.baseline = {
      source: [...new Set(baselines.map((b) => b.source))].join(', '),
      entries: baselines.reduce((a, b) => a + b.entries, 0),
    };
  else delete out.run.baseline;
  return out;
}
