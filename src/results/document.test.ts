import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finishDocument, newDocument, statementVerdicts, summarize } from './document.ts';
import type { CaseResult, Outcome } from './model.ts';

function c(id: string, outcome: Outcome, statements: string[], broker = 'b'): CaseResult {
  return {
    id,
    baseId: id,
    title: id,
    area: 'x',
    version: '5.0',
    level: 'must',
    statements,
    broker,
    outcome,
    durationMs: 1,
    transcript: [],
  };
}

test('statement verdict is the worst outcome of its cases, per broker', () => {
  const v = statementVerdicts([
    c('a', 'pass', ['MQTT-3.1.2-10']),
    c('b', 'fail', ['MQTT-3.1.2-10', 'MQTT-3.1.2-9']),
    c('c', 'not-applicable', ['MQTT-3.1.2-9']),
    c('a', 'pass', ['MQTT-3.1.2-10'], 'other'),
  ]);
  assert.deepEqual(
    v.map((s) => [s.broker, s.id, s.outcome, s.cases.join()]),
    [
      ['b', 'MQTT-3.1.2-9', 'fail', 'b,c'],
      ['b', 'MQTT-3.1.2-10', 'fail', 'a,b'],
      ['other', 'MQTT-3.1.2-10', 'pass', 'a'],
    ],
  );
});

test('summary counts outcomes per broker and finishDocument fills both', () => {
  const s = summarize([c('a', 'pass', []), c('b', 'error', []), c('c', 'pass', [], 'z')]);
  assert.equal(s.b?.pass, 1);
  assert.equal(s.b?.error, 1);
  assert.equal(s.b?.total, 2);
  assert.equal(s.z?.total, 1);
  const doc = newDocument('conform', []);
  doc.conformance = { cases: [c('a', 'fail', ['MQTT-4.7.2-1'])], statements: [], summary: {} };
  finishDocument(doc);
  assert.equal(doc.conformance.statements.length, 1);
  assert.equal(doc.conformance.summary.b?.fail, 1);
});
