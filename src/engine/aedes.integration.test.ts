// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// Engine against aedes (in-process) over tcp and ws.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadFiles } from '../scenario/index.ts';
import { type AedesInstance, startAedes } from '../transport/testing/peers/aedes.ts';
import { runCase } from './index.ts';
import { A, caseOf, step } from './testing/spec.ts';

describe('engine against aedes', () => {
  let b: AedesInstance;
  before(async () => {
    b = await startAedes();
  });
  after(async () => {
    await b?.stop();
  });

  const spec = caseOf([
    step('sub', A.connect()),
    step('sub', A.subscribe({ topic: '${t}/#', qos: 2 })),
    step('pub', A.connect()),
    step(
      undefined,
      A.parallel(
        [
          step('pub', A.publish({ topic: '${t}/x', qos: 2, payload: 'two' })),
          step(undefined, A.barrier('sent')),
        ],
        [
          step(undefined, A.barrier('sent')),
          step('sub', A.expect({ cmd: 'publish', topic: '${t}/x', qos: 2, capture: { mid: 'messageId' } })),
        ],
      ),
    ),
    step('sub', A.send({ cmd: 'pubrec', messageId: '${mid}' })),
    step('sub', A.expect({ cmd: 'pubrel', messageId: '${mid}' })),
    step('sub', A.send({ cmd: 'pubcomp', messageId: '${mid}' })),
    step('pub', A.publish({ topic: '${t}/y', qos: 0, payload: 'a' })),
    step('pub', A.publish({ topic: '${t}/z', qos: 0, payload: 'b' })),
    step('sub', A.expect({ unordered: [{ topic: '${t}/z' }, { topic: '${t}/y' }] })),
    step('sub', A.nothing(150)),
    step('pub', A.disconnect()),
    step('sub', A.drop()),
  ]);

  for (const scheme of ['tcp', 'ws'] as const) {
    test(`QoS 2 handshake, parallel + barrier, unordered over ${scheme}`, async () => {
      const url = scheme === 'tcp' ? `mqtt://127.0.0.1:${b.tcp}` : `ws://127.0.0.1:${b.ws}/mqtt`;
      const out = await runCase(spec, { brokerUrl: url, vars: {} });
      assert.equal(out.status, 'pass', `${out.reason}\n${JSON.stringify(out.transcript, null, 1)}`);
      assert.ok(out.transcript.some((e) => e.dir === 'in' && e.packet?.cmd === 'pubrel'));
    });
  }

  // aedes 1.2 speaks 3.1.1 only (it refuses a 5.0 CONNECT), so the 3.1.1 examples run here.
  for (const scheme of ['tcp', 'ws'] as const) {
    test(`the MQTT 3.1.1 examples are green over ${scheme}`, async () => {
      const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'examples');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(dir, f));
      const loaded = await loadFiles(files);
      assert.deepEqual(loaded.problems, []);
      const cases = loaded.conversations.flatMap((f) => f.cases).filter((c) => c.version === '3.1.1');
      assert.ok(cases.length >= 7);
      const url = scheme === 'tcp' ? `mqtt://127.0.0.1:${b.tcp}` : `ws://127.0.0.1:${b.ws}/mqtt`;
      const outs = await Promise.all(cases.map((c) => runCase(c, { brokerUrl: url, vars: {} })));
      const bad = outs
        .map((o, i) => `${cases[i]?.id}: ${o.status} ${o.reason ?? ''}`)
        .filter((l) => !l.includes(': pass'));
      assert.deepEqual(bad, []);
    });
  }
});
