// Fixture results documents for the report tests (not shipped behaviour): a two-broker conformance run
// with every outcome and transcripts, and a load run with real HDR histograms.

import { statementVerdicts, summarize as summarizeCases } from '../results/document.ts';
import type { CaseResult, LoadResult, Outcome, ResultsDocument, TranscriptEntry } from '../results/model.ts';
import { newHistogram, summarize } from './hist.ts';

function transcript(topic: string, failing: boolean): TranscriptEntry[] {
  const t: TranscriptEntry[] = [
    { t: 0, client: 'sub', dir: 'event', note: 'connect' },
    {
      t: 0.4,
      client: 'sub',
      dir: 'out',
      hex: '101000044d5154540502003c000003737562',
      packet: { cmd: 'connect', protocolVersion: 5, clientId: 'sub', clean: true, keepalive: 60 },
    },
    {
      t: 1.2,
      client: 'sub',
      dir: 'in',
      hex: '20030000',
      packet: { cmd: 'connack', sessionPresent: false, reasonCode: 0 },
    },
    {
      t: 1.9,
      client: 'sub',
      dir: 'out',
      hex: '820a0001000561',
      note: '</script><!-- must stay text',
      packet: { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 2 }] },
    },
    {
      t: 2.6,
      client: 'sub',
      dir: 'in',
      hex: '900400010002',
      packet: { cmd: 'suback', messageId: 1, granted: [2] },
    },
    {
      t: 3.1,
      client: 'pub',
      dir: 'out',
      hex: '3410000561',
      packet: { cmd: 'publish', topic, qos: 2, messageId: 7, payload: 'hi <b>&</b>' },
    },
    { t: 3.8, client: 'pub', dir: 'in', hex: '50020007', packet: { cmd: 'pubrec', messageId: 7 } },
    { t: 4.2, client: 'pub', dir: 'out', hex: '62020007', packet: { cmd: 'pubrel', messageId: 7 } },
    { t: 4.9, client: 'pub', dir: 'in', hex: '70020007', packet: { cmd: 'pubcomp', messageId: 7 } },
  ];
  if (failing) {
    t.push({
      t: 5.5,
      client: 'sub',
      dir: 'in',
      hex: '3410',
      packet: { cmd: 'publish', topic, qos: 1, messageId: 3, payload: { $hex: '6869' } },
    });
    t.push({ t: 305, client: 'sub', dir: 'event', note: 'timeout waiting for publish qos 2' });
  } else {
    t.push({
      t: 5.5,
      client: 'sub',
      dir: 'in',
      hex: '3410',
      packet: { cmd: 'publish', topic, qos: 2, messageId: 3, payload: 'hi <b>&</b>' },
    });
  }
  return t;
}

interface CaseSpec {
  id: string;
  area: string;
  level: 'must' | 'should' | 'may';
  statements: string[];
  outcome: Outcome;
}

const SPECS: CaseSpec[] = [
  { id: 'connect.basic', area: 'connect', level: 'must', statements: ['MQTT-3.1.0-1'], outcome: 'pass' },
  {
    id: 'connect.reserved-flag',
    area: 'connect',
    level: 'must',
    statements: ['MQTT-3.1.2-3'],
    outcome: 'fail',
  },
  {
    id: 'publish.qos2.exactly-once',
    area: 'publish',
    level: 'must',
    statements: ['MQTT-4.3.3-1', 'MQTT-4.3.3-2'],
    outcome: 'pass',
  },
  {
    id: 'publish.qos1.order',
    area: 'publish',
    level: 'should',
    statements: ['MQTT-4.6.0-2'],
    outcome: 'non-strict',
  },
  {
    id: 'subscribe.shared',
    area: 'subscribe',
    level: 'must',
    statements: ['MQTT-4.8.2-1'],
    outcome: 'not-applicable',
  },
  {
    id: 'subscribe.wildcards',
    area: 'subscribe',
    level: 'must',
    statements: ['MQTT-4.7.1-1'],
    outcome: 'pass',
  },
  {
    id: 'session.expiry',
    area: 'session',
    level: 'may',
    statements: ['MQTT-3.1.2-23'],
    outcome: 'informational',
  },
  { id: 'will.abrupt', area: 'will', level: 'must', statements: ['MQTT-3.1.2-8'], outcome: 'error' },
];

function makeCase(s: CaseSpec, broker: string, version: '3.1.1' | '5.0', outcome: Outcome): CaseResult {
  const failing = outcome === 'fail' || outcome === 'non-strict' || outcome === 'informational';
  const c: CaseResult = {
    id: `${s.id}@${version}`,
    baseId: s.id,
    title: `${s.id.replace(/[.-]/g, ' ')} behaves as the spec says`,
    description: `Checks ${s.statements.join(' and ')} for <${s.area}> packets & their replies.`,
    expectation: 'The broker delivers the message at the granted QoS.',
    area: s.area,
    version,
    level: s.level,
    statements: s.statements,
    broker,
    outcome,
    durationMs: 12.5,
    source: { file: `suites/mqtt-${version}/${s.area}.yaml`, line: 10 },
    transcript: outcome === 'not-applicable' ? [] : transcript(`crucible/t1/${s.area}`, failing),
  };
  if (outcome === 'not-applicable') c.reason = 'requires sharedSubscriptions (broker reports false)';
  if (outcome === 'error') c.reason = 'harness error: socket closed before CONNACK';
  if (failing) {
    c.reason = 'expected PUBLISH qos 2, got qos 1';
    c.failure = {
      stepIndex: 8,
      step: 'sub expect publish',
      message: 'expected PUBLISH qos 2, got qos 1',
      expected: { cmd: 'publish', qos: 2, topic: `crucible/t1/${s.area}` },
      actual: { cmd: 'publish', qos: 1, topic: `crucible/t1/${s.area}`, messageId: 3 },
      statement: s.statements[0] as string,
      source: { file: `suites/mqtt-${version}/${s.area}.yaml`, line: 18 },
    };
  }
  return c;
}

export function conformanceDoc(): ResultsDocument {
  const cases: CaseResult[] = [];
  for (const broker of ['reference', 'mosquitto']) {
    for (const version of ['3.1.1', '5.0'] as const) {
      for (const s of SPECS) {
        // The reference broker passes the case mosquitto fails, to make the matrix interesting.
        const outcome: Outcome = broker === 'reference' && s.outcome === 'fail' ? 'pass' : s.outcome;
        cases.push(makeCase(s, broker, version, outcome));
      }
    }
  }
  const doc = baseDoc('conform');
  doc.brokers = [
    { label: 'reference', url: 'mqtt://127.0.0.1:18830', capabilities: { maximumQoS: 2 } },
    { label: 'mosquitto', url: 'mqtt://127.0.0.1:18831' },
  ];
  doc.conformance = { cases, statements: statementVerdicts(cases), summary: summarizeCases(cases) };
  return doc;
}

function baseDoc(command: string): ResultsDocument {
  return {
    format: 'mqtt-crucible/results',
    version: 1,
    tool: { name: 'mqtt-crucible', version: '0.1.0' },
    run: {
      id: `run-${command}`,
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:01:00.000Z',
      command,
      argv: [command],
      host: { hostname: 'ci', platform: 'linux', node: 'v20.0.0', cpus: 4 },
    },
    brokers: [],
  };
}

/** Deterministic pseudo-random latencies (µs) around a base value with a long tail. */
export function latencies(n: number, baseUs: number, seed = 1): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const u = x / 2147483648;
    out.push(Math.round(baseUs * (1 + u * 0.5) + (u > 0.99 ? baseUs * 20 * (u - 0.99) * 100 : 0)));
  }
  return out;
}

export function summaryOf(values: number[]) {
  const h = newHistogram();
  for (const v of values) h.recordValue(v);
  const s = summarize(h);
  h.destroy();
  return s;
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one literal fixture document, read top to bottom
export function loadResult(
  opts: { id?: string; broker?: string; seed?: number; n?: number; baseUs?: number } = {},
): LoadResult {
  const n = opts.n ?? 5000;
  const seed = opts.seed ?? 1;
  const deliver = summaryOf(latencies(n, opts.baseUs ?? 800, seed));
  const t = Array.from({ length: 10 }, (_, i) => i + 1);
  const per = Math.floor(n / 10);
  return {
    id: opts.id ?? 'smoke',
    title: 'Smoke load: 10 publishers, 2 subscribers',
    broker: opts.broker ?? 'reference',
    startedAt: '2026-01-01T10:00:10.000Z',
    durationMs: 10_000,
    profile: { clients: 12, rate: per },
    latency: {
      'deliver.intended': deliver,
      'deliver.actual': summaryOf(latencies(n, (opts.baseUs ?? 800) * 0.9, seed + 1)),
      puback: summaryOf(latencies(n, 300, seed + 2)),
      connack: summaryOf(latencies(12, 2000, seed + 3)),
    },
    groups: [
      {
        name: 'pubs',
        role: 'publisher',
        clients: 10,
        connected: 10,
        connectFailures: 0,
        qos: 1,
        sent: n,
        acked: n,
        delivered: 0,
        latency: { puback: summaryOf(latencies(n, 300, seed + 2)) },
      },
      {
        name: 'subs',
        role: 'subscriber',
        clients: 2,
        connected: 2,
        connectFailures: 0,
        qos: 1,
        sent: 0,
        acked: 0,
        delivered: n - 3,
        latency: { 'deliver.intended': deliver },
      },
    ],
    series: {
      t,
      sent: t.map((i) => Math.round(per * (0.6 + (i % 4) * 0.15))),
      acked: t.map((i) => Math.round(per * (0.58 + (i % 4) * 0.15))),
      delivered: t.map((i) => Math.round(per * (0.55 + (i % 4) * 0.15))),
      connected: t.map((i) => Math.min(12, i * 3)),
      errors: t.map(() => 0),
      p50: t.map((i) => ((opts.baseUs ?? 800) / 1000) * (1 + (i % 3) * 0.05)),
      p99: t.map((i) => ((opts.baseUs ?? 800) / 1000) * (2 + (i % 4) * 0.4)),
      max: t.map((i) => ((opts.baseUs ?? 800) / 1000) * (5 + (i % 5))),
    },
    ledger: {
      expected: n,
      delivered: n - 3,
      lost: 3,
      duplicated: 1,
      outOfOrder: 0,
      deliveredRatio: (n - 3) / n,
      byQos: { '1': { expected: n, delivered: n - 3, lost: 3, duplicated: 1, outOfOrder: 0 } },
      pairs: [
        {
          publisher: 'pubs-3',
          subscriber: 'subs-0',
          qos: 1,
          expected: 500,
          delivered: 497,
          lost: 3,
          duplicated: 1,
          outOfOrder: 0,
        },
      ],
    },
    thresholds: [
      {
        expression: 'deliver.intended.p99 < 20ms',
        metric: 'deliver.intended.p99',
        actual: deliver.p99,
        limit: 20,
        unit: 'ms',
        passed: deliver.p99 < 20,
      },
      {
        expression: 'delivered >= 99.99%',
        metric: 'delivered',
        actual: ((n - 3) / n) * 100,
        limit: 99.99,
        unit: '%',
        passed: false,
      },
    ],
    generator: {
      workers: 1,
      cpuPercent: 42,
      eventLoopLagMs: { p50: 0.4, p99: 3.2, max: 9 },
      sendLagMs: { p50: 0.1, p99: 1.5, max: 4 },
      saturated: false,
      warnings: [],
    },
    counters: { sent: n, acked: n, delivered: n - 3, errors: 0 },
  };
}

export function loadDoc(): ResultsDocument {
  const doc = baseDoc('run');
  doc.brokers = [{ label: 'reference', url: 'mqtt://127.0.0.1:18830' }];
  doc.load = [loadResult()];
  return doc;
}

/** Conformance for two brokers plus a load result: what `npm start` + a second broker would give. */
export function fullDoc(): ResultsDocument {
  const doc = conformanceDoc();
  doc.run.command = 'start';
  doc.load = [loadResult()];
  return doc;
}
