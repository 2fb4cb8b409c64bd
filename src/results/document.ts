// Building a results document: run info, per-broker summaries and statement verdicts.
import { randomBytes } from 'node:crypto';
import { cpus, hostname, platform } from 'node:os';
import { worst } from './grade.ts';
import {
  type CaseResult,
  type MqttVersion,
  type Outcome,
  type OutcomeCounts,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type ResultsDocument,
  type StatementVerdict,
} from './model.ts';

const TOOL_VERSION = '0.1.0';

export function newDocument(command: string, argv: string[]): ResultsDocument {
  const now = new Date().toISOString();
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    tool: { name: 'mqtt-crucible', version: TOOL_VERSION },
    run: {
      id: `${now.replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`,
      startedAt: now,
      finishedAt: now,
      command,
      argv,
      host: { hostname: hostname(), platform: platform(), node: process.version, cpus: cpus().length },
    },
    brokers: [],
  };
}

export function finishDocument(doc: ResultsDocument): ResultsDocument {
  doc.run.finishedAt = new Date().toISOString();
  if (doc.conformance) {
    doc.conformance.statements = statementVerdicts(doc.conformance.cases);
    doc.conformance.summary = summarize(doc.conformance.cases);
  }
  return doc;
}

export function emptyCounts(): OutcomeCounts {
  return { pass: 0, fail: 0, 'non-strict': 0, informational: 0, 'not-applicable': 0, error: 0, total: 0 };
}

/** Outcome counts per broker label. */
export function summarize(cases: readonly CaseResult[]): Record<string, OutcomeCounts> {
  const out: Record<string, OutcomeCounts> = {};
  for (const c of cases) {
    const counts = out[c.broker] ?? emptyCounts();
    out[c.broker] = counts;
    counts[c.outcome]++;
    counts.total++;
  }
  return out;
}

/** Worst outcome over the cases citing each statement, per broker and version. */
export function statementVerdicts(cases: readonly CaseResult[]): StatementVerdict[] {
  const by = new Map<
    string,
    { id: string; version: MqttVersion; broker: string; outcomes: Outcome[]; cases: string[] }
  >();
  for (const c of cases) {
    for (const s of c.statements) {
      const key = `${c.broker}\u0000${c.version}\u0000${s}`;
      let e = by.get(key);
      if (!e) {
        e = { id: s, version: c.version, broker: c.broker, outcomes: [], cases: [] };
        by.set(key, e);
      }
      e.outcomes.push(c.outcome);
      e.cases.push(c.id);
    }
  }
  return [...by.values()]
    .map((e) => ({
      id: e.id,
      version: e.version,
      broker: e.broker,
      outcome: worst(e.outcomes),
      cases: e.cases,
    }))
    .sort(
      (a, b) =>
        a.broker.localeCompare(b.broker) || a.version.localeCompare(b.version) || compareIds(a.id, b.id),
    );
}

/** Natural order of statement ids: MQTT-3.1.2-9 before MQTT-3.1.2-10. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
