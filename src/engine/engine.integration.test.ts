// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// Engine against mosquitto (tcp, ws, tls with a certificate made at test time).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mosquittoSkipReason, mosquittoUrl, useMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { runCase } from './index.ts';
import { A, caseOf, step } from './testing/spec.ts';

const skip = mosquittoSkipReason();

describe('engine against mosquitto', { skip }, () => {
  const m = useMosquitto();

  const pubsub = (version: '3.1.1' | '5.0') =>
    caseOf(
      [
        step('sub', A.connect()),
        step('sub', A.subscribe({ topic: '${t}/a', qos: 1 })),
        step('pub', A.connect()),
        step('pub', A.publish({ topic: '${t}/a', qos: 1, payload: 'hello' })),
        step('sub', A.expect({ cmd: 'publish', topic: '${t}/a', qos: 1, payload: 'hello' })),
        step('sub', A.send({ cmd: 'puback', messageId: '${mid}' }), {}),
        step('sub', A.nothing(200)),
        step('pub', A.disconnect()),
        step('sub', A.disconnect()),
      ].map((s, i) =>
        i === 4
          ? {
              ...s,
              action: A.expect({
                cmd: 'publish',
                topic: '${t}/a',
                qos: 1,
                payload: 'hello',
                capture: { mid: 'messageId' },
              }),
            }
          : s,
      ),
      { version },
    );

  for (const scheme of ['tcp', 'ws', 'tls'] as const) {
    for (const version of ['3.1.1', '5.0'] as const) {
      test(`pub/sub QoS 1 over ${scheme}, MQTT ${version}`, async () => {
        const url = mosquittoUrl(m, scheme);
        const out = await runCase(pubsub(version), {
          brokerUrl: url,
          vars: {},
          ...(scheme === 'tls' ? { tls: { ca: m.caFile } } : {}),
        });
        assert.equal(out.status, 'pass', `${out.reason}\n${JSON.stringify(out.transcript, null, 1)}`);
        assert.ok(out.transcript.some((e) => e.dir === 'in' && e.packet?.cmd === 'publish'));
        assert.ok(out.transcript.every((e, i, all) => i === 0 || e.t >= (all[i - 1] as { t: number }).t));
      });
    }
  }

  test('a mismatch fails with path, expected and actual', async () => {
    const out = await runCase(
      caseOf([
        step('sub', A.connect()),
        step('sub', A.subscribe({ topic: '${t}/a', qos: 0 })),
        step('sub', A.publish({ topic: '${t}/a', payload: 'one' })),
        step('sub', A.expect({ cmd: 'publish', payload: 'two' })),
      ]),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {} },
    );
    assert.equal(out.status, 'fail');
    assert.match(out.failure?.message ?? '', /payload: expected "two", got "one"/);
    assert.equal(out.failure?.stepIndex, 3);
    assert.equal(out.failure?.source?.line !== undefined, true);
  });

  test('silence: an expect fails at its deadline', async () => {
    const out = await runCase(
      caseOf([step('a', A.connect()), step('a', A.expect({ cmd: 'publish' }), { timeoutMs: 200 })]),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {} },
    );
    assert.equal(out.status, 'fail');
    assert.match(out.reason ?? '', /no packet within 200ms/);
  });

  test('unreachable broker: error with kind unreachable', async () => {
    const out = await runCase(caseOf([step('a', A.connect())]), {
      brokerUrl: 'mqtt://127.0.0.1:1',
      vars: {},
    });
    assert.equal(out.status, 'error');
    assert.equal(out.errorKind, 'unreachable');
  });
  test('sendMutated (QoS 3) -> the broker closes (oneOf DISCONNECT 0x81 or close)', async () => {
    const out = await runCase(
      caseOf([
        step('a', A.connect()),
        step('a', {
          kind: 'sendMutated',
          packet: { cmd: 'publish', topic: '${t}/m', payload: 'x' },
          mutate: [{ op: 'qos', value: 3 }],
        }),
        step('a', A.expect({ oneOf: [{ cmd: 'disconnect', reasonCode: 0x81 }, { close: true }] })),
      ]),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {} },
    );
    assert.equal(out.status, 'pass', out.reason);
    assert.ok(out.transcript.some((e) => e.dir === 'out' && e.note?.startsWith('mutated')));
  });

  test('sendRaw with comments, count matcher, ws client beside a tcp client, client id variables', async () => {
    const out = await runCase(
      caseOf(
        [
          step('w', A.connect()),
          step('w', A.subscribe({ topic: '${t}/n', qos: 0 })),
          step('p', A.connect()),
          step('p', A.publish({ topic: '${t}/n', payload: '1' })),
          step('p', A.publish({ topic: '${t}/n', payload: '2' })),
          step('p', A.publish({ topic: '${t}/n', payload: '3' })),
          step('w', A.expect({ count: 3, match: { cmd: 'publish', topic: '${t}/n' } })),
          step('p', A.sendRaw('c0 00   # PINGREQ\n')),
          step('p', A.expect({ cmd: 'pingresp' })),
          step('w', A.nothing(200)),
          step('p', A.disconnect()),
        ],
        { clients: { w: { transport: 'ws' } } },
      ),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, wsUrl: `ws://127.0.0.1:${m.ws}/mqtt`, vars: {} },
    );
    assert.equal(out.status, 'pass', out.reason);
    assert.match(String((out.vars.client as Record<string, string>).w), /^c[a-z0-9]+w$/);
    assert.ok(out.transcript.some((e) => e.dir === 'out' && e.note === 'raw' && e.packet?.cmd === 'pingreq'));
  });

  test('expectClose: DISCONNECT required on a 3.1.1 takeover fails with a precise reason', async () => {
    const out = await runCase(
      caseOf([step('a', A.connect()), step('b', A.connect()), step('a', A.close(2000, 'required'))], {
        clients: { b: { clientId: '${client.a}' } },
      }),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {} },
    );
    assert.equal(out.status, 'fail');
    assert.match(out.reason ?? '', /without sending DISCONNECT/);
  });
  for (const version of ['3.1.1', '5.0'] as const) {
    test(`subscribe shorthand with a oneOf suback (refusal code or close), MQTT ${version}`, async () => {
      const out = await runCase(
        caseOf(
          [
            step('a', A.connect()),
            step(
              'a',
              A.subscribe(
                { topic: '${t}/#/bad', qos: 0 },
                { oneOf: [{ granted: [{ $gte: 0x80 }] }, { cmd: 'disconnect' }, { close: true }] },
              ),
            ),
          ],
          { version },
        ),
        { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {} },
      );
      assert.equal(out.status, 'pass', out.reason);
    });
  }
  test('an inbound frame above maxInboundPacketBytes fails the case as malformed', async () => {
    const out = await runCase(
      caseOf([
        step('a', A.connect()),
        step('a', A.subscribe({ topic: '${t}/big', qos: 0 })),
        step('a', A.publish({ topic: '${t}/big', payload: { size: 5000 } })),
        step('a', A.expect({ cmd: 'publish', payload: { size: 5000 } })),
      ]),
      { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars: {}, maxInboundPacketBytes: 1000 },
    );
    assert.equal(out.status, 'fail');
    assert.match(out.reason ?? '', /exceeds maximum packet size 1000/);
  });
});
