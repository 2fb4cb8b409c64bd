import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CONNACK_RETURN_CODES_V4,
  PROPERTIES,
  PROPERTY_BY_ID,
  REASON_CODE_STATEMENT_V5,
  REASON_CODES,
  SUBACK_RETURN_CODES_V4,
} from './constants.ts';
import { readSpecTsv, SPEC_DIR, specAvailable, statementIds } from './spec-files.ts';

const skip = specAvailable() ? false : `shared spec folder not found at ${SPEC_DIR}`;

const TYPE_NAMES: Record<string, string> = {
  Byte: 'byte',
  'Two Byte Integer': 'int16',
  'Four Byte Integer': 'int32',
  'Variable Byte Integer': 'varint',
  'UTF-8 Encoded String': 'string',
  'Binary Data': 'binary',
  'UTF-8 String Pair': 'pair',
};

function places(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .map((s) => (s === 'Will Properties' ? 'will' : s.toLowerCase()))
    .sort();
}

describe('constants agree with shared/spec', { skip }, () => {
  test('properties table matches mqtt-5.0-properties.tsv', () => {
    const rows = readSpecTsv('mqtt-5.0-properties.tsv');
    assert.equal(rows.length, PROPERTIES.length);
    for (const row of rows) {
      const id = Number(row.dec);
      const def = PROPERTY_BY_ID[id];
      assert.ok(def, `property ${row.hex} missing`);
      assert.equal(def.name, row.name);
      assert.equal(def.type, TYPE_NAMES[row.type ?? ''], `type of ${row.name}`);
      assert.deepEqual([...def.packets].sort(), places(row.packets ?? ''), `packets of ${row.name}`);
      const mult = row.multiplicity ?? '';
      if (mult === 'at most once') assert.deepEqual(def.repeatable, [], `${row.name} is at most once`);
      else if (mult.startsWith('may repeat'))
        assert.deepEqual([...def.repeatable].sort(), [...def.packets].sort());
      else assert.deepEqual(def.repeatable, ['publish'], `${row.name}: ${mult}`);
    }
  });

  test('property field names and ids agree with mqtt-packet', () => {
    const mp = createRequire(import.meta.url)('mqtt-packet/constants.js') as {
      properties: Record<string, number>;
    };
    for (const p of PROPERTIES) assert.equal(mp.properties[p.field], p.id, p.field);
  });

  test('reason code table matches mqtt-5.0-reason-codes.tsv', () => {
    const rows = readSpecTsv('mqtt-5.0-reason-codes.tsv');
    assert.equal(rows.length, REASON_CODES.length);
    for (const row of rows) {
      const code = Number(row.dec);
      const def = REASON_CODES.find((r) => r.code === code && r.name === row.name);
      assert.ok(def, `reason code ${row.hex} ${row.name} missing`);
      assert.deepEqual(
        [...def.packets].sort(),
        places(row.packets ?? ''),
        `packets of ${row.hex} ${row.name}`,
      );
      const clientOnly = /client only/.test(row.sent_by ?? '');
      assert.equal(def.sentBy === 'client', clientOnly, `sentBy of ${row.hex} ${row.name}`);
    }
  });

  test('3.1.1 return codes match mqtt-3.1.1-return-codes.tsv', () => {
    const rows = readSpecTsv('mqtt-3.1.1-return-codes.tsv').filter((r) =>
      /^0x[0-9A-F]{2}$/.test(r.code ?? ''),
    );
    const connack = rows.filter((r) => r.packet === 'CONNACK').map((r) => Number(r.code));
    const suback = rows.filter((r) => r.packet === 'SUBACK').map((r) => Number(r.code));
    assert.deepEqual([...CONNACK_RETURN_CODES_V4.keys()], connack);
    assert.deepEqual([...SUBACK_RETURN_CODES_V4.keys()], suback);
  });

  test('reason-code statements exist in 5.0 inventory', () => {
    const ids = statementIds('5.0');
    for (const id of Object.values(REASON_CODE_STATEMENT_V5)) assert.ok(ids.has(id), id);
  });

  test('every statement id cited in src/protocol exists in some inventory', () => {
    const all = new Set([...statementIds('3.1.1'), ...statementIds('5.0')]);
    const dir = dirname(fileURLToPath(import.meta.url));
    const unknown: string[] = [];
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/MQTT-\d+\.\d+\.\d+-\d+/g))
        if (!all.has(m[0])) unknown.push(`${f}: ${m[0]}`);
    }
    assert.deepEqual(unknown, []);
  });
});
