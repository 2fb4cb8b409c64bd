// A broker that sends garbage, stays silent, announces a huge packet or closes early: the case fails
// with its transcript and the run finishes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCase } from './index.ts';
import { type EvilMode, startEvilBroker } from './testing/evil-broker.ts';
import { A, caseOf, step } from './testing/spec.ts';

const cases: Array<[EvilMode, RegExp]> = [
  ['garbage', /malformed packet from broker/],
  ['silent', /no packet within 300ms/],
  ['huge', /malformed packet from broker: packet of \d+ bytes exceeds maximum packet size/],
  ['close-early', /connection closed by broker/],
  ['connack-then-garbage', /malformed packet from broker/],
];

for (const [mode, why] of cases) {
  test(`misbehaving broker: ${mode} -> fail with transcript`, async () => {
    const evil = await startEvilBroker(mode);
    try {
      const spec = caseOf([step('a', A.connect()), step('a', A.expect({ cmd: 'publish' }))], {
        timeoutMs: 300,
      });
      const out = await runCase(spec, { brokerUrl: `mqtt://127.0.0.1:${evil.port}`, vars: {} });
      assert.equal(out.status, 'fail', out.reason);
      assert.match(out.reason ?? '', why);
      assert.ok(out.transcript.some((e) => e.dir === 'out' && e.packet?.cmd === 'connect'));
      if (mode === 'garbage' || mode === 'huge')
        assert.ok(out.transcript.some((e) => e.dir === 'event' && e.hex));
    } finally {
      await evil.stop();
    }
  });
}

test('expectClose accepts an early close; expectNothing fails on it', async () => {
  const evil = await startEvilBroker('close-early');
  try {
    const ok = await runCase(caseOf([step('a', A.connect({}, 'none')), step('a', A.close(1000))]), {
      brokerUrl: `mqtt://127.0.0.1:${evil.port}`,
      vars: {},
    });
    assert.equal(ok.status, 'pass', ok.reason);
    const bad = await runCase(caseOf([step('a', A.connect({}, 'none')), step('a', A.nothing(300))]), {
      brokerUrl: `mqtt://127.0.0.1:${evil.port}`,
      vars: {},
    });
    assert.equal(bad.status, 'fail');
    assert.match(bad.reason ?? '', /connection closed by broker/);
  } finally {
    await evil.stop();
  }
});

test('strict checker: a packet with reserved flags set fails the case citing the statement', async () => {
  const evil = await startEvilBroker('connack-bad-flags');
  try {
    const out = await runCase(caseOf([step('a', A.connect())]), {
      brokerUrl: `mqtt://127.0.0.1:${evil.port}`,
      vars: {},
    });
    assert.equal(out.status, 'fail', out.reason);
    assert.ok(out.findings.some((f) => f.severity === 'must' && /^MQTT-/.test(f.statement)));
    assert.equal(out.failure?.statement, out.findings[0]?.statement);
  } finally {
    await evil.stop();
  }
});

test('MQTT 5 topic alias from the broker: an empty topic matches as the mapped topic', async () => {
  const evil = await startEvilBroker('v5-alias');
  try {
    const out = await runCase(
      caseOf(
        [
          step('a', A.connect({ properties: { topicAliasMaximum: 5 } })),
          step('a', A.expect({ cmd: 'publish', topic: 'a/b', payload: 'x' })),
          step('a', A.expect({ cmd: 'publish', topic: 'a/b', payload: 'y', properties: { topicAlias: 1 } })),
        ],
        { version: '5.0' },
      ),
      { brokerUrl: `mqtt://127.0.0.1:${evil.port}`, vars: {} },
    );
    assert.equal(out.status, 'pass', out.reason);
    const wire = out.transcript.filter((e) => e.dir === 'in' && e.packet?.cmd === 'publish');
    assert.equal(wire[1]?.packet?.topic, '');
  } finally {
    await evil.stop();
  }
});
