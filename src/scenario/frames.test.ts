// `frame:` on send and sendRaw (WebSocket framing): model, and problems with file:line naming the step.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCases as load, SCENARIO_SCHEMA as schema } from './testing/inline.ts';
import { validateSchema } from './testing/json-schema.ts';

describe('frame: on send and sendRaw', () => {
  test('sendRaw object form and send with frame become the model; the string form is unchanged', () => {
    const { cases, problems } = load(`
  - id: a
    clients: { w: { transport: ws } }
    steps:
      - { client: w, open: {} }
      - { client: w, send: { cmd: connect, frame: text } }
      - { client: w, sendRaw: { hex: "c0 00", frame: unmasked } }
      - { client: w, sendRaw: { hex: "c0 00" } }
      - { client: w, sendRaw: "c0 00" }
`);
    assert.equal(problems, '');
    const [, send, raw, rawNoFrame, plain] = cases[0]!.steps.map((s) => s.action);
    assert.deepEqual(send, { kind: 'send', packet: { cmd: 'connect' }, frame: 'text' });
    assert.deepEqual(raw, { kind: 'sendRaw', hex: 'c0 00', frame: 'unmasked' });
    assert.deepEqual(rawNoFrame, { kind: 'sendRaw', hex: 'c0 00' });
    assert.deepEqual(plain, { kind: 'sendRaw', hex: 'c0 00' });
  });

  test('a transport: ws on connect or open makes the client a ws client from there on', () => {
    const { problems } = load(`
  - id: a
    steps:
      - { client: w, connect: { transport: ws } }
      - { client: w, sendRaw: { hex: "c0 00", frame: text } }
      - { client: v, open: { transport: ws } }
      - { client: v, send: { cmd: pingreq, frame: binary } }
`);
    assert.equal(problems, '');
  });

  test('frame on a tcp or undeclared client, a bad frame, a missing hex: problems with line', () => {
    const { problems } = load(`
  - id: a
    clients: { t: { transport: tcp }, w: { transport: ws } }
    steps:
      - { client: t, connect: {} }
      - { client: t, sendRaw: { hex: "c0 00", frame: text } }
      - { client: u, connect: {} }
      - { client: u, send: { cmd: pingreq, frame: unmasked } }
      - { client: w, connect: {} }
      - { client: w, sendRaw: { hex: "c0 00", frame: txt } }
      - { client: w, sendRaw: { frame: text } }
      - { client: w, sendRaw: { hex: "zz", frame: text } }
      - { client: w, sendRaw: { hex: "c0 00", frames: text } }
      - { client: w, connect: { transport: tcp } }
      - { client: w, sendRaw: { hex: "c0 00", frame: binary } }
`);
    assert.match(
      problems,
      /x\.yaml:8:\d+: .*frame: text shapes a WebSocket frame, but client 't' is on tcp here/,
    );
    assert.match(problems, /x\.yaml:10:\d+: .*client 'u' is not declared a WebSocket client/);
    assert.match(problems, /x\.yaml:12:\d+: .*frame/);
    assert.match(problems, /x\.yaml:13:\d+: .*sendRaw needs 'hex'/);
    assert.match(problems, /x\.yaml:14:\d+: /);
    assert.match(problems, /x\.yaml:15:\d+: .*frames/);
    assert.match(problems, /x\.yaml:17:\d+: .*client 'w' is on tcp here/);
  });

  test('frame is not a field of sendMutated packets', () => {
    const { problems } = load(`
  - id: a
    clients: { w: { transport: ws } }
    steps:
      - { client: w, connect: {} }
      - { client: w, sendMutated: { packet: { cmd: pingreq, frame: text }, mutate: [{ op: flags, value: 1 }] } }
`);
    assert.match(problems, /x\.yaml:8:\d+: .*frame/);
  });

  test('the schema accepts frame on send and sendRaw and rejects a bad value', () => {
    const doc = (step: object) => validateSchema(schema, { id: 'x', steps: [{ client: 'w', ...step }] });
    assert.deepEqual(doc({ sendRaw: { hex: 'c0 00', frame: 'text' } }), []);
    assert.deepEqual(doc({ sendRaw: 'c0 00' }), []);
    assert.deepEqual(doc({ send: { cmd: 'connect', frame: 'unmasked' } }), []);
    assert.notDeepEqual(doc({ sendRaw: { hex: 'c0 00', frame: 'txt' } }), []);
    assert.notDeepEqual(doc({ sendRaw: { frame: 'text' } }), []);
    assert.notDeepEqual(doc({ send: { cmd: 'connect', frame: 'close' } }), []);
    assert.notDeepEqual(
      doc({
        sendMutated: { packet: { cmd: 'pingreq', frame: 'text' }, mutate: [{ op: 'flags', value: 1 }] },
      }),
      [],
    );
  });
});
