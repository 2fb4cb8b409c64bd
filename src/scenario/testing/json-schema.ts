// JSON Schema validation for tests, with Ajv (draft 2020-12): the shipped schemas (schema/*.json) are
// checked against the documents the loader and the reporters accept and produce. Errors come back as
// "path: message" lines so assertion messages name the offending field.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Schema = Record<string, unknown> | boolean;

// formats (date-time, ...) are documentation here; the model's own tests check the values
const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, validateFormats: false });
const compiled = new WeakMap<object, ValidateFunction>();

export function validateSchema(schema: Schema, value: unknown): string[] {
  if (typeof schema === 'boolean') return schema ? [] : ['$: the schema is false'];
  const validate = compiled.get(schema) ?? ajv.compile(schema);
  compiled.set(schema, validate);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `$${e.instancePath.replaceAll('/', '.')}: ${e.message ?? e.keyword}`,
  );
}
