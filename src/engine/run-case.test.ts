// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// runCase without a broker: variables, set, barriers, abort, scenario errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCase, uniqueRunIds } from './index.ts';
import { A, caseOf, step } from './testing/spec.ts';

test('uniqueRunIds: distinct, topic prefix without wildcards, client-id stem <= 12 chars [a-z0-9]', () => {
  const a = uniqueRunIds('publish.qos[qos=1]');
  const b = uniqueRunIds('publish.qos[qos=1]');
  assert.notEqual(a.cid, b.cid);
  assert.notEqual(a.t, b.t);
  assert.match(a.cid, /^[a-z0-9]{1,12}$/);
  assert.doesNotMatch(a.t, /[+#$]/);
});

test('uniqueRunIds: topics use only [a-z0-9] and / (characters every broker passes unchanged)', () => {
  const { t } = uniqueRunIds('Publish.QoS_2-exactly[qos=1,mode=a.b]');
  assert.match(t, /^[a-z0-9/]+$/);
  assert.match(t, /\/publishqos2exactlyqos1modeab$/);
});

test('an aborted case ends at once as an error (interrupted)', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const out = await runCase(caseOf([step(undefined, A.wait(30_000))]), {
    brokerUrl: 'mqtt://127.0.0.1:1',
    vars: {},
    signal: ac.signal,
  });
  assert.equal(out.status, 'error');
  assert.match(out.reason ?? '', /interrupted/);
});

test('barrier: branches meet; a barrier nobody else reaches fails at its deadline', async () => {
  const ok = await runCase(
    caseOf([
      step(
        undefined,
        A.parallel(
          [step(undefined, A.wait(20)), step(undefined, A.barrier('x'))],
          [step(undefined, A.barrier('x')), step(undefined, A.wait(1))],
        ),
      ),
    ]),
    { brokerUrl: 'mqtt://127.0.0.1:1', vars: {} },
  );
  assert.equal(ok.status, 'pass', ok.reason);
  const bad = await runCase(
    caseOf([
      step(
        undefined,
        A.parallel([step(undefined, A.barrier('x'), { timeoutMs: 100 })], [step(undefined, A.barrier('y'))]),
      ),
    ]),
    { brokerUrl: 'mqtt://127.0.0.1:1', vars: {} },
  );
  assert.equal(bad.status, 'fail');
  assert.match(bad.reason ?? '', /barrier 'x': only 1 of 2 branches arrived within 100ms|aborted/);
});

test('an unknown variable at run time is an error naming it', async () => {
  const out = await runCase(caseOf([step(undefined, { kind: 'set', vars: { a: '${nope}' } })]), {
    brokerUrl: 'mqtt://127.0.0.1:1',
    vars: {},
  });
  assert.equal(out.status, 'error');
  assert.match(out.reason ?? '', /nope/);
});

test('set and variables: t, cid, client names, params', async () => {
  const out = await runCase(
    caseOf([step(undefined, { kind: 'set', vars: { x: '${t}/${client.sub}' } }), step('sub', A.drop())]),
    {
      brokerUrl: 'mqtt://127.0.0.1:1',
      vars: {},
    },
  );
  assert.equal(out.status, 'pass');
  assert.equal(out.vars.x, `${out.vars.t}/${out.vars.cid}sub`);
});

test('t and cid given by the caller are kept', async () => {
  const out = await runCase(
    caseOf([step(undefined, { kind: 'set', vars: { x: '${t}' } }), step('a', A.drop())]),
    {
      brokerUrl: 'mqtt://127.0.0.1:1',
      vars: { t: 'fixed/topic', cid: 'abc123' },
    },
  );
  assert.equal(out.vars.x, 'fixed/topic');
  assert.equal((out.vars.client as Record<string, string>).a, 'abc123a');
});
