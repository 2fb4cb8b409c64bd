// Minimal ANSI styling that disappears when colour is off (not a TTY, NO_COLOR, --no-color).
// `defaultColor` is the one place colour is decided for every command and reporter.
import type { Outcome } from '../results/model.ts';

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  outcome(o: Outcome, s?: string): string;
}

export function makeStyle(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const red = wrap('31');
  const green = wrap('32');
  const yellow = wrap('33');
  const cyan = wrap('36');
  const dim = wrap('2');
  const bold = wrap('1');
  return {
    red,
    green,
    yellow,
    cyan,
    dim,
    bold,
    outcome(o, s = o) {
      if (o === 'pass') return green(s);
      if (o === 'fail' || o === 'error') return red(s);
      if (o === 'non-strict') return yellow(s);
      return dim(s);
    },
  };
}

let colorFlagOff = false;

/** `--no-color` (accepted by every command through cli/args.ts): colour off for the rest of the process. */
export function disableColor(): void {
  colorFlagOff = true;
}

/** The one colour decision: --no-color, then NO_COLOR (any non-empty value, no-color.org), then FORCE_COLOR,
 *  then whether the stream is a terminal. */
export function defaultColor(out: NodeJS.WritableStream): boolean {
  if (colorFlagOff) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean((out as { isTTY?: boolean }).isTTY);
}

/** Pads a table of strings (first row = header) into aligned lines; numbers right-aligned. */
export function table(rows: string[][], rightAlignFrom = 1): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(c));
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visible(c));
        return i >= rightAlignFrom ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}
