// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} syntax under test
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findVarRefs, lookupVar, resolveVars, substituteVars, VarError } from './vars.ts';

const vars = {
  t: 'crucible/k3x9/pub',
  qos: 2,
  flag: true,
  obj: { a: 1 },
  profile: { auth: { username: 'crucible' } },
  'client.sub': 'cid-sub',
  client: { pub: 'cid-pub' },
};

describe('resolveVars', () => {
  test('whole-string reference keeps the type', () => {
    assert.equal(resolveVars('${qos}', vars), 2);
    assert.equal(resolveVars('${flag}', vars), true);
    assert.deepEqual(resolveVars('${obj}', vars), { a: 1 });
  });

  test('interpolation inside text', () => {
    assert.equal(resolveVars('${t}/a/${qos}', vars), 'crucible/k3x9/pub/a/2');
    assert.equal(resolveVars('x${obj}', vars), 'x{"a":1}');
  });

  test('dotted paths and flat dotted keys', () => {
    assert.equal(resolveVars('${profile.auth.username}', vars), 'crucible');
    assert.equal(resolveVars('${client.sub}', vars), 'cid-sub');
    assert.equal(resolveVars('${client.pub}', vars), 'cid-pub');
    assert.equal(lookupVar(vars, 'profile.auth.nope'), undefined);
  });

  test('$$ escapes; strings without ${ are untouched', () => {
    assert.equal(resolveVars('$$SYS/#', vars), '$SYS/#');
    assert.equal(resolveVars('$SYS/#', vars), '$SYS/#');
    assert.equal(resolveVars('$${t}', vars), '${t}');
    assert.equal(resolveVars('a$b', vars), 'a$b');
  });

  test('walks arrays and objects without mutating them', () => {
    const input = { topic: '${t}/x', list: ['${qos}', 1], nested: { q: '${qos}' }, buf: Buffer.from('hi') };
    const out = resolveVars(input, vars) as typeof input;
    assert.deepEqual(out.list, [2, 1]);
    assert.equal(out.topic, 'crucible/k3x9/pub/x');
    assert.deepEqual(out.nested, { q: 2 });
    assert.ok(Buffer.isBuffer(out.buf));
    assert.equal(input.topic, '${t}/x');
  });

  test('unknown variable and unterminated reference throw VarError', () => {
    assert.throws(
      () => resolveVars('${nope}', vars),
      (e: unknown) => e instanceof VarError && e.variable === 'nope',
    );
    assert.throws(() => resolveVars('a/${nope}/b', vars), VarError);
    assert.throws(() => resolveVars('a/${t', vars), VarError);
  });

  test('substituteVars leaves unknown references and $$ for run time', () => {
    assert.equal(substituteVars('${qos}/${cap.x}/$$SYS', { qos: 1 }), '1/${cap.x}/$$SYS');
    assert.equal(substituteVars('${qos}', { qos: 1 }), 1);
    assert.equal(substituteVars('${other}', { qos: 1 }), '${other}');
  });
});

describe('findVarRefs', () => {
  test('names with paths, escapes skipped, malformed reported', () => {
    const refs = findVarRefs({ a: ['${x}', '$${y}'], b: 'p/${client.sub}/${bad name}', c: '${open' });
    assert.deepEqual(
      refs.map((r) => [r.name, r.path.join('.'), r.error !== undefined]),
      [
        ['x', 'a.0', false],
        ['client.sub', 'b', false],
        ['bad name', 'b', true],
        ['', 'c', true],
      ],
    );
  });
});
