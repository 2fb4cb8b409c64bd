// HTML reporter: <outDir>/index.html, one self-contained file (see template.ts and client/main.ts).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { HistogramSummary, ResultsDocument } from '../../results/model.ts';
import { specVersionOf, statementInfo } from '../../scenario/statements.ts';
import type { Reporter } from '../reporter.ts';
import { type PageAssets, renderPage } from './template.ts';

export const HTML_FILE = 'index.html';

let cached: PageAssets | undefined;

/**
 * The browser code (client/*.ts, entry client/main.ts) bundled by esbuild into one IIFE: it imports the
 * formatting the console and Markdown views use (../format.ts, ../detected.ts), so both show the same figures.
 */
export function bundleClient(): string {
  const out = buildSync({
    entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  return (out.outputFiles[0] as { text: string }).text;
}

/** Reads the CSS and uPlot (from node_modules) and bundles the client script, once per process. */
export function loadAssets(): PageAssets {
  if (cached) return cached;
  const req = createRequire(import.meta.url);
  const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const uplotDir = join(req.resolve('uplot/package.json'), '..', 'dist');
  cached = {
    css: readFileSync(here('./styles.css'), 'utf8'),
    clientJs: bundleClient(),
    uplotJs: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
  };
  return cached;
}

/** The embedded copy drops the encoded histograms (only results.json needs them, for merges). */
function slim(doc: ResultsDocument): ResultsDocument {
  if (!doc.load) return doc;
  const strip = (m: Record<string, HistogramSummary>) =>
    Object.fromEntries(Object.entries(m).map(([k, s]) => [k, { ...s, encoded: '' }]));
  return {
    ...doc,
    load: doc.load.map((r) => ({
      ...r,
      latency: strip(r.latency),
      groups: r.groups.map((g) => ({ ...g, latency: strip(g.latency) })),
    })),
  };
}

/**
 * The text of every statement the document cites, keyed "<spec version> <id>" (from the inventory shipped in
 * src/scenario/statement-ids.ts, or shared/spec when present), so the report explains an id without the spec.
 */
export function statementTexts(doc: ResultsDocument): Record<string, { section: string; text: string }> {
  const out: Record<string, { section: string; text: string }> = {};
  const cases = [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
  const cited = [
    ...cases.flatMap((c) => c.statements.map((id) => [c.version, id] as const)),
    ...(doc.conformance?.statements ?? []).map((v) => [v.version, v.id] as const),
  ];
  for (const [version, id] of cited) {
    const key = `${specVersionOf(version)} ${id}`;
    if (out[key]) continue;
    const info = statementInfo(version, id);
    if (info) out[key] = { section: info.section, text: info.paraphrase };
  }
  return out;
}

export function renderHtml(doc: ResultsDocument): string {
  return renderPage(slim(doc), loadAssets(), statementTexts(doc));
}

export class HtmlReporter implements Reporter {
  readonly name = 'html';
  constructor(private readonly outDir: string) {}

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, HTML_FILE);
    await writeFile(file, renderHtml(doc), 'utf8');
    return [file];
  }
}
