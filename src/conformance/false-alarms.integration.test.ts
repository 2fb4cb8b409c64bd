// Verdicts that hold on every broker: for each class of false alarm, the reference broker is made to behave the
// way the spec allows (configuration, or a test-only variation switch) and the suites must not fail it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCase } from '../engine/index.ts';
import { A, caseOf, step } from '../engine/testing/spec.ts';
import type { CaseResult } from '../results/model.ts';
import { type ReferenceTarget, startReference } from '../transport/testing/peers/reference.ts';
import { ProbeRefusedError } from './capabilities.ts';
import { runConformance } from './runner.ts';
import { bundledCases, conformAgainst, describeFailures } from './testing/reference.ts';

const running: ReferenceTarget[] = [];
after(async () => {
  await Promise.all(running.map((r) => r.broker.close()));
});

async function suitesAgainst(
  config: string,
  variations: string[],
  profile: string,
  only: (id: string) => boolean = () => true,
): Promise<CaseResult[]> {
  const target = await startReference(config, variations);
  running.push(target);
  try {
    const cases = (await bundledCases()).filter((c) => only(`${c.version}:${c.id}`));
    return await conformAgainst(target, profile, cases);
  } finally {
    await target.broker.close();
  }
}

/** Client p connects and sends PUBLISH QoS 1 id 1 as raw packet (no acknowledgement awaited). */
function connectAndPublishQos1() {
  return [
    step('p', A.connect()),
    step('p', A.send({ cmd: 'publish', topic: 'crucible/arrived', qos: 1, messageId: 1, payload: 'x' })),
  ];
}

describe('false alarms: what the spec allows is never reported as a failure', () => {
  test('allowed QoS downgrade: a 3.1.1-only broker granting QoS 1', async () => {
    const results = await suitesAgainst('max-qos1', ['mqtt311-only'], 'reference-default', (id) =>
      id.startsWith('3.1.1:'),
    );
    assert.equal(describeFailures(results), '', 'no 3.1.1 case fails on a QoS 1 grant');
    const na = results.filter((r) => r.outcome === 'not-applicable');
    assert.ok(
      na.some((r) => /3\.1\.1: a QoS 2 SUBSCRIBE was granted 1/.test(r.reason ?? '')),
      'cases needing QoS 2 delivery are not applicable, with the detected maximum QoS as the reason',
    );
    const varied = results.filter((r) => r.variations?.some((v) => /granted QoS 1 .*requested 2/.test(v)));
    assert.ok(varied.length > 0, 'the lower grant is shown as an allowed variation');
    assert.ok(
      varied.every((r) => r.outcome === 'pass' || r.outcome === 'not-applicable'),
      'a variation never fails a case',
    );
    // inbound QoS 2 still runs on 3.1.1: a broker granting 1 must handle a QoS 2 PUBLISH (reported if not)
    assert.equal(results.find((r) => r.id === 'pubcomp.answers-pubrel')?.outcome, 'pass');
  });

  test('nested matchers: one copy per overlapping subscription passes the oneOf { unordered } cases', async () => {
    const results = await suitesAgainst('default', ['copy-per-subscription'], 'reference-default', (id) =>
      /overlapping|publish\.|subscri/.test(id),
    );
    assert.equal(describeFailures(results), '');
    assert.equal(
      results.find((r) => r.version === '3.1.1' && r.id === 'publish.overlapping-subscriptions-max-qos')
        ?.outcome,
      'pass',
    );
  });

  test('fewer in flight: one unacknowledged delivery at a time fails no case', async () => {
    const results = await suitesAgainst('inflight1', [], 'reference-default');
    assert.equal(describeFailures(results), '');
  });

  test('levels from the spec: another error reason code before the close is non-strict, never a failure', async () => {
    const results = await suitesAgainst('default', ['other-error-reason-code'], 'reference-default', (id) =>
      id.startsWith('5.0:'),
    );
    assert.equal(describeFailures(results), '');
    const graded = results.filter(
      (r) => r.outcome === 'non-strict' && /0x83 where the spec names/.test(r.reason ?? ''),
    );
    assert.ok(graded.length > 0, 'the other reason code is reported as non-strict');
  });

  test("safe topic characters: a broker rewriting '.' fails the one case about it, and only that", async () => {
    const results = await suitesAgainst('default', ['rewrite-dots'], 'reference-default');
    const failed = results.filter((r) => r.outcome === 'fail' || r.outcome === 'error');
    assert.deepEqual(
      failed.map((r) => `${r.version}:${r.id}`).sort(),
      ['3.1.1:topics.punctuation-unchanged', '5.0:topics.punctuation-unchanged'],
      describeFailures(results),
    );
  });

  test('refused probe: no credentials against a broker that wants them stops before any case', async () => {
    const target = await startReference('auth');
    running.push(target);
    let begun = false;
    try {
      await assert.rejects(
        runConformance({
          brokerUrl: target.tcpUrl,
          label: 'auth',
          profile: {},
          cases: await bundledCases(),
          concurrency: 4,
          repeat: 1,
          probeTimeoutMs: 5000,
          onBegin: () => {
            begun = true;
          },
        }),
        (err: unknown) => {
          assert.ok(err instanceof ProbeRefusedError);
          assert.match(err.message, /reason code 0x86|return code [45]/);
          assert.match(err.message, /`auth` key of --profile/);
          return true;
        },
      );
    } finally {
      await target.broker.close();
    }
    assert.equal(begun, false, 'no case began');
  });

  test('refused probe: `crucible conform` exits 6 naming the return code and the auth key', async () => {
    const target = await startReference('auth');
    running.push(target);
    const main = join(import.meta.dirname, '..', 'cli', 'main.ts');
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', main, 'conform', target.tcpUrl, '--only', 'connect.*'],
        { timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
      );
    });
    await target.broker.close();
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /refused the probe CONNECT with MQTT 5\.0 reason code 0x8[67]/);
    assert.match(r.stderr, /`auth` key of --profile/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('say what arrived: a PUBACK where a PUBREC was expected is named, not "nothing received"', async () => {
    const target = await startReference('default');
    running.push(target);
    try {
      const out = await runCase(
        caseOf(
          [
            ...connectAndPublishQos1(),
            step('p', A.expect({ cmd: 'pubrec', messageId: 1 }), { timeoutMs: 300 }),
          ],
          {
            version: '5.0',
          },
        ),
        { brokerUrl: target.tcpUrl, vars: {} },
      );
      assert.equal(out.status, 'fail');
      assert.equal(out.failure?.message, 'expected PUBREC id 1, got PUBACK id 1');
    } finally {
      await target.broker.close();
    }
    // the acknowledgement path (publish shorthand): a broker that never sends PUBREC, a PUBACK waiting instead
    const faulty = await startReference('default', ['no-pubrec']);
    running.push(faulty);
    try {
      const out = await runCase(
        caseOf(
          [
            ...connectAndPublishQos1(),
            step('p', A.publish({ topic: 'crucible/arrived', qos: 2, messageId: 1, payload: 'y' }), {
              timeoutMs: 300,
            }),
          ],
          { version: '3.1.1' },
        ),
        { brokerUrl: faulty.tcpUrl, vars: {} },
      );
      assert.equal(out.status, 'fail');
      assert.equal(out.failure?.message, 'expected PUBREC id 1, got PUBACK id 1 within 300ms');
    } finally {
      await faulty.broker.close();
    }
  });

  test("credentials in raw CONNECTs: the raw client-id case runs with the profile's user", async () => {
    const results = await suitesAgainst(
      'auth',
      [],
      'reference-auth',
      (id) => id === '5.0:connect.client-id-rejected-closes',
    );
    assert.equal(results.length, 1);
    assert.equal(results[0]?.outcome, 'pass', describeFailures(results));
  });
});
