// Case selection for `crucible conform`: version, area, id/statement globs, level.
import type { CaseSpec, Level, MqttVersion } from '../scenario/model.ts';

export interface Selection {
  versions: MqttVersion[];
  areas: string[]; // empty = all
  only: string[]; // globs on case id, base id or statement id; empty = all
  level: 'must' | 'should' | 'all';
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

const LEVELS_FOR: Record<Selection['level'], ReadonlySet<Level>> = {
  must: new Set(['must']),
  should: new Set(['must', 'should']),
  all: new Set(['must', 'should', 'may']),
};

export function selectCases(cases: readonly CaseSpec[], sel: Selection): CaseSpec[] {
  const globs = sel.only.map(globToRegExp);
  const levels = LEVELS_FOR[sel.level];
  return cases.filter((c) => {
    if (!sel.versions.includes(c.version)) return false;
    if (sel.areas.length > 0 && !sel.areas.includes(c.area)) return false;
    if (!levels.has(c.level)) return false;
    if (globs.length === 0) return true;
    return globs.some((g) => g.test(c.id) || g.test(c.baseId) || c.statements.some((s) => g.test(s)));
  });
}
