import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderJunit } from './junit.ts';
import { fullDoc } from './test-fixtures.ts';
import { parseXml, type XmlNode } from './xml-parse.test-util.ts';

const kids = (n: XmlNode, name: string) => n.children.filter((c) => c.name === name);
const int = (n: XmlNode, a: string) => {
  const v = n.attrs[a];
  assert.ok(v !== undefined && /^\d+$/.test(v), `${n.name}@${a} is a count (${v})`);
  return Number(v);
};

describe('JUnit XML', () => {
  const xml = renderJunit(fullDoc());
  const root = parseXml(xml);

  test('is well-formed with the structure CI systems accept', () => {
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    assert.equal(root.name, 'testsuites');
    const suites = kids(root, 'testsuite');
    assert.ok(suites.length > 0);
    let tests = 0;
    let failures = 0;
    let errors = 0;
    let skipped = 0;
    for (const s of suites) {
      // Children allowed by the JUnit schema: properties, testcase, system-out, system-err.
      for (const c of s.children)
        assert.ok(['properties', 'testcase', 'system-out', 'system-err'].includes(c.name), c.name);
      assert.ok(s.attrs.name);
      assert.match(s.attrs.time ?? '', /^\d+\.\d{3}$/);
      assert.match(
        s.attrs.timestamp ?? '',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/,
        'ISO 8601 without zone, as the schema wants',
      );
      const cases = kids(s, 'testcase');
      assert.equal(int(s, 'tests'), cases.length);
      const count = (name: string) => cases.filter((c) => kids(c, name).length > 0).length;
      assert.equal(int(s, 'failures'), count('failure'));
      assert.equal(int(s, 'errors'), count('error'));
      assert.equal(int(s, 'skipped'), count('skipped'));
      for (const c of cases) {
        assert.ok(c.attrs.name && c.attrs.classname, 'testcase has name and classname');
        assert.match(c.attrs.time ?? '', /^\d+\.\d{3}$/);
        const verdicts = c.children.filter((x) => ['failure', 'error', 'skipped'].includes(x.name));
        assert.ok(verdicts.length <= 1, 'at most one of failure/error/skipped');
        for (const x of c.children)
          assert.ok(
            ['properties', 'failure', 'error', 'skipped', 'system-out', 'system-err'].includes(x.name),
            x.name,
          );
      }
      tests += cases.length;
      failures += int(s, 'failures');
      errors += int(s, 'errors');
      skipped += int(s, 'skipped');
    }
    assert.equal(int(root, 'tests'), tests);
    assert.equal(int(root, 'failures'), failures);
    assert.equal(int(root, 'errors'), errors);
    assert.equal(int(root, 'skipped'), skipped);
  });

  test('a testsuite per broker, version and area; statements and level as properties', () => {
    const names = kids(root, 'testsuite').map((s) => s.attrs.name);
    assert.ok(names.includes('mosquitto.5.0.connect'));
    assert.ok(names.includes('reference.3.1.1.publish'));
    const suite = kids(root, 'testsuite').find((s) => s.attrs.name === 'reference.3.1.1.publish') as XmlNode;
    const tc = kids(suite, 'testcase').find(
      (c) => c.attrs.name === 'publish.qos2.exactly-once@3.1.1',
    ) as XmlNode;
    assert.equal(tc.attrs.classname, 'reference.3.1.1.publish');
    const props = kids(kids(tc, 'properties')[0] as XmlNode, 'property');
    const stmts = props.filter((p) => p.attrs.name === 'statement').map((p) => p.attrs.value);
    assert.deepEqual(stmts, ['MQTT-4.3.3-1', 'MQTT-4.3.3-2']);
    assert.equal(props.find((p) => p.attrs.name === 'level')?.attrs.value, 'must');
  });

  test('failure has expected, actual and the transcript tail; n/a is skipped; non-strict passes with a note', () => {
    const all = kids(root, 'testsuite').flatMap((s) => kids(s, 'testcase'));
    const failed = all.find(
      (c) => c.attrs.classname === 'mosquitto.5.0.connect' && c.attrs.name === 'connect.reserved-flag@5.0',
    ) as XmlNode;
    const f = kids(failed, 'failure')[0] as XmlNode;
    assert.ok(f.attrs.message?.includes('expected PUBLISH qos 2'));
    assert.match(f.text, /expected: \{"cmd":"publish","qos":2/);
    assert.match(f.text, /actual: +\{"cmd":"publish","qos":1/);
    assert.match(f.text, /<- PUBLISH qos=1 id=3/);
    assert.match(f.text, /payload="hi <b>&<\/b>"/, 'markup in data survives escaping');
    const na = all.find((c) => c.attrs.name === 'subscribe.shared@5.0') as XmlNode;
    assert.match(kids(na, 'skipped')[0]?.attrs.message ?? '', /sharedSubscriptions/);
    const ns = all.find((c) => c.attrs.name === 'publish.qos1.order@5.0') as XmlNode;
    assert.equal(kids(ns, 'failure').length, 0);
    assert.match(kids(ns, 'system-out')[0]?.text ?? '', /non-strict/);
    const err = all.find((c) => c.attrs.name === 'will.abrupt@5.0') as XmlNode;
    assert.equal(kids(err, 'error').length, 1);
  });

  test('load thresholds are testcases', () => {
    const suite = kids(root, 'testsuite').find((s) => s.attrs.name === 'reference.load.smoke') as XmlNode;
    assert.ok(suite);
    const cases = kids(suite, 'testcase');
    assert.equal(cases.length, 2);
    const bad = cases.find((c) => c.attrs.name === 'delivered >= 99.99%') as XmlNode;
    assert.match(kids(bad, 'failure')[0]?.attrs.message ?? '', /threshold failed/);
    assert.equal(
      kids(cases.find((c) => c.attrs.name?.startsWith('deliver.intended')) as XmlNode, 'failure').length,
      0,
    );
  });

  test('the parser used here rejects malformed XML', () => {
    assert.throws(() => parseXml('<a><b></a>'));
    assert.throws(() => parseXml('<a x="1" x="2"/>'));
    assert.throws(() => parseXml('<a>1 & 2</a>'));
  });
});
