// The shipped JSON Schemas and the loader agree in both directions: every bundled file the loader
// accepts is accepted by its schema, and each structural mistake the loader refuses (unknown keys,
// wrong types, bad enums, missing fields) is refused by the schema too. Semantic rules the schema
// cannot express (variables, statement ids, cross-field rules) are the loader's alone.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadFiles, loadText } from './index.ts';
import { validateSchema } from './testing/json-schema.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readSchema = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'schema', name), 'utf8')) as Record<string, unknown>;
const scenarioSchema = readSchema('scenario.schema.json');
const loadSchema = readSchema('load-profile.schema.json');

function yamlUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return yamlUnder(p);
      return /\.ya?ml$/.test(name) ? [p] : [];
    });
}

const isLoad = (doc: unknown): boolean => (doc as { kind?: unknown } | null)?.kind === 'load';

describe('schemas and loader agree', () => {
  test('every bundled file the loader accepts is accepted by its schema', async () => {
    const files = [
      ...yamlUnder(join(repoRoot, 'suites')).filter((f) => !/\/(profiles|baselines)\//.test(f)),
      ...yamlUnder(join(repoRoot, 'scenarios')),
    ];
    let loads = 0;
    let conversations = 0;
    for (const f of files) {
      const { problems } = await loadFiles([f]);
      assert.deepEqual(problems, [], `${f}: the loader refuses a bundled file`);
      const doc = parse(readFileSync(f, 'utf8'));
      const errors = validateSchema(isLoad(doc) ? loadSchema : scenarioSchema, doc);
      assert.deepEqual(errors, [], `${f} is valid for the loader but not for the schema`);
      if (isLoad(doc)) loads++;
      else conversations++;
    }
    assert.ok(loads >= 3 && conversations >= 30, `${loads} load profiles, ${conversations} conversations`);
  });

  const conversation = {
    cases: [
      {
        id: 'agree.one',
        title: 'a case',
        statements: ['MQTT-3.1.0-1'],
        level: 'must',
        version: '5.0',
        steps: [
          { client: 'a', connect: {} },
          { client: 'a', expectNothing: { for: '100ms' } },
        ],
      },
    ],
  };
  const profile = {
    kind: 'load',
    id: 'agree',
    duration: '1s',
    groups: [
      { name: 'p', count: 1, publish: { topic: 't/{i}', qos: 1, rate: 10, payload: 32 } },
      { name: 's', count: 1, subscribe: ['t/#'] },
    ],
  };
  type Doc = Record<string, unknown>;
  const clone = <T>(v: T): T => structuredClone(v);
  const stepOf = (d: Doc, i: number) => ((d.cases as Doc[])[0]!.steps as Doc[])[i]!;
  const caseOf = (d: Doc) => (d.cases as Doc[])[0]!;
  const groupOf = (d: Doc, i: number) => (d.groups as Doc[])[i]!;

  const broken: Array<[string, Doc, (d: Doc) => void]> = [
    ['unknown file key', conversation, (d) => Object.assign(d, { levl: 'must' })],
    ['unknown case key', conversation, (d) => Object.assign(caseOf(d), { stpes: [] })],
    ['bad level', conversation, (d) => Object.assign(caseOf(d), { level: 'mandatory' })],
    ['version as a number', conversation, (d) => Object.assign(caseOf(d), { version: 5 })],
    ['unknown step action', conversation, (d) => Object.assign(stepOf(d, 0), { conect: {} })],
    [
      'two actions in one step',
      conversation,
      (d) => Object.assign(stepOf(d, 0), { send: { cmd: 'pingreq' } }),
    ],
    [
      'unknown packet type',
      conversation,
      (d) => Object.assign(stepOf(d, 1), { send: { cmd: 'publsh' } }, { expectNothing: undefined }),
    ],
    ['steps not a list', conversation, (d) => Object.assign(caseOf(d), { steps: { client: 'a' } })],
    ['load: unknown key', profile, (d) => Object.assign(d, { duraton: '1s' })],
    ['load: count as text', profile, (d) => Object.assign(groupOf(d, 0), { count: 'many' })],
    ['load: qos 3', profile, (d) => Object.assign(groupOf(d, 0).publish as Doc, { qos: 3 })],
    ['load: no groups', profile, (d) => Object.assign(d, { groups: undefined })],
  ];
  for (const [what, base, breakIt] of broken) {
    test(`both refuse: ${what}`, () => {
      const doc = clone(base) as Doc;
      breakIt(doc);
      const clean = JSON.parse(JSON.stringify(doc)) as Doc;
      const text = stringify(clean);
      const { problems } = loadText(text, 'agree.yaml');
      assert.notDeepEqual(problems, [], `the loader accepts it:\n${text}`);
      const errors = validateSchema(isLoad(clean) ? loadSchema : scenarioSchema, clean);
      assert.notDeepEqual(errors, [], `the schema accepts it:\n${text}`);
    });
  }

  test('the unbroken documents pass both', () => {
    for (const d of [conversation, profile]) {
      const { problems } = loadText(stringify(d), 'agree.yaml');
      assert.deepEqual(problems, []);
      assert.deepEqual(validateSchema(isLoad(d) ? loadSchema : scenarioSchema, d), []);
    }
  });
});
