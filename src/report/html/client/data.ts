// The results document embedded in the page (<script id="crucible-data" type="application/json">) and what every
// view derives from it: the cases, the brokers, the load results, the statements' text.
import type { ResultsDocument } from '../../../results/model.ts';

export interface StatementText {
  section: string;
  text: string;
}

interface PageData {
  doc: ResultsDocument;
  statements?: Record<string, StatementText>;
}

const DATA = JSON.parse(document.getElementById('crucible-data')?.textContent ?? '') as PageData;
export const doc = DATA.doc;
const STATEMENT_TEXT = DATA.statements || {};
/** The statement's section and paraphrase from the inventory shipped with crucible, if known. */
export const statementOf = (version: string, id: string): StatementText | undefined =>
  STATEMENT_TEXT[`${version === '5.0' ? '5.0' : '3.1.1'} ${id}`];
export const cases = [...(doc.conformance?.cases || []), ...(doc.scenarios || [])];
export const brokers = [...new Set([...doc.brokers.map((b) => b.label), ...cases.map((c) => c.broker)])];
export const loads = doc.load || [];
export const uniq = <T>(xs: readonly T[]): T[] =>
  [...new Set(xs)].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
