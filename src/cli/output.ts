// Where a command's reports go (`--reporter`, `--out`), decided the same way by every command:
// - `--out <dir>` without `--reporter` writes the default set (console, json, junit, markdown, html);
// - a command that writes files, or is given --out, always writes results.json there (the input of
//   report and compare);
// - `--out -` sends the results document (json) to standard output; everything else a command prints
//   (console reporter, progress, "reports: ..." lines) then goes to standard error, so stdout is pure JSON;
// - the directory is checked before the run starts: not a directory, not writable (or /proc, /sys) -> exit 3;
// - the reporters run behind one ReporterMux; `writeReports` renders the finished document and gives the
//   exit code: the verdict's, or 7 when a reporter failed and nothing else did (docs/exit-codes.md).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decideExit, EXIT, type ExitCode, UsageError } from '../common/exit-codes.ts';
import { createReporterMux, type ReporterMux } from '../report/index.ts';
import { type Verdict, verdictOf } from '../report/verdict.ts';
import type { ResultsDocument } from '../results/model.ts';
import { listFlag, type ParsedFlags, stringFlag } from './args.ts';

export const DEFAULT_REPORT_SET: readonly string[] = ['console', 'json', 'junit', 'markdown', 'html'];
export const STDOUT = '-';

export interface OutputPlan {
  reporters: string[];
  /** Absolute report directory (unused when json goes to standard output). */
  outDir: string;
  /** `--out -`: the results document goes to standard output. */
  jsonToStdout: boolean;
  /** Where human-readable output goes: stdout, or stderr when stdout carries JSON. */
  human: NodeJS.WriteStream;
}

export interface OutputDefaults {
  /** Reporters when neither --reporter nor --out is given (e.g. console). */
  reporters: readonly string[];
  /** Directory when file reporters are chosen without --out. */
  outDir: string;
}

const names = (list: string[]) =>
  [...new Set(list.flatMap((n) => n.split(',')).map((n) => n.trim()))].filter(Boolean);

export function planOutput(flags: ParsedFlags, d: OutputDefaults): OutputPlan {
  const out = stringFlag(flags, 'out');
  const asked = names(listFlag(flags, 'reporter'));
  let reporters = asked.length ? asked : out !== undefined ? [...DEFAULT_REPORT_SET] : [...d.reporters];
  if (out === STDOUT) {
    if (!asked.length) reporters = ['console', 'json'];
    const files = reporters.filter((r) => r !== 'console' && r !== 'json');
    if (files.length)
      throw new UsageError(
        `--out -: standard output takes the json reporter only (got ${files.join(', ')}); give --out a directory for those`,
      );
    if (!reporters.includes('json')) reporters.push('json');
    return { reporters, outDir: STDOUT, jsonToStdout: true, human: process.stderr };
  }
  // Whenever files are written (or --out names a directory), results.json is one of them: every view
  // can be re-rendered from it.
  if ((out !== undefined || reporters.some((r) => r !== 'console')) && !reporters.includes('json'))
    reporters.push('json');
  return {
    reporters,
    outDir: resolve(out ?? d.outDir),
    jsonToStdout: false,
    human: process.stdout,
  };
}

/** mkdir -p one level at a time. Not mkdirSync's `recursive`: on node 20 it never returns for a path under
 *  /proc (ENOENT there does not mean a parent is missing), so a bad --out would hang instead of failing. */
function makeDirs(dir: string, fail: (why: string) => never): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) fail(`${at} is not a directory`);
      break;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const parent = dirname(at);
      if (parent === at) break;
      missing.unshift(at);
      at = parent;
    }
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') fail(`cannot create it (${code ?? String(e)} at ${d})`);
    }
  }
}

/** Makes sure `dir` is a directory we can write to, before any work starts; the error names --out. */
export function checkOutDir(dir: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`--out ${dir}: ${why}`);
  };
  try {
    if (!statSync(dir).isDirectory()) fail('not a directory');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') fail(`cannot use it (${code ?? String(err)})`);
    makeDirs(dir, fail);
  }
  // A real write, not access(): /proc and read-only mounts pass permission checks yet refuse files.
  const probe = join(dir, `.crucible-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (e) {
    fail(`not writable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  rmSync(probe, { force: true });
}

/** The plan's reporters behind one mux; checks the directory first when files will be written. */
export function reportersFor(plan: OutputPlan): ReporterMux {
  if (!plan.jsonToStdout && plan.reporters.some((r) => r !== 'console')) checkOutDir(plan.outDir);
  return createReporterMux(plan.reporters, {
    outDir: plan.outDir,
    out: plan.human,
    ...(plan.jsonToStdout ? { jsonStream: process.stdout } : {}),
  });
}

export interface WrittenReports {
  verdict: Verdict;
  /** Files the reporters wrote. */
  written: string[];
  /** The verdict's exit code, or EXIT.reportFailed (7) when a reporter failed and the verdict is 0. */
  exitCode: ExitCode;
}

/** Renders a finished document through every reporter; the exit code by the one precedence rule. */
export async function writeReports(mux: ReporterMux, doc: ResultsDocument): Promise<WrittenReports> {
  const verdict = verdictOf(doc);
  const written = await mux.onEnd(doc, verdict);
  const exitCode = decideExit(verdict.exitCode, mux.failed.length > 0 ? EXIT.reportFailed : undefined);
  return { verdict, written, exitCode };
}
