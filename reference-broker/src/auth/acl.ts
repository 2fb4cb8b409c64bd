// Topic ACL: ordered rules, the first one matching (user, action, topic) decides; no match = allow.
// Patterns may use + and # and the substitutions %u (user name) and %c (client id). A subscribe
// check matches the pattern against the filter text itself, so "deny/#" also covers "deny/+/x".
import type { AclAction, AclRule } from '../config/schema.ts';
import { topicMatches } from '../topics.ts';

export class Acl {
  constructor(private readonly rules: AclRule[]) {}

  get empty(): boolean {
    return this.rules.length === 0;
  }

  allowed(
    user: string | undefined,
    clientId: string,
    action: 'publish' | 'subscribe',
    topic: string,
  ): boolean {
    for (const r of this.rules) {
      if (r.user !== '*' && r.user !== user) continue;
      const act: AclAction | undefined = r.allow ?? r.deny;
      if (act !== 'both' && act !== action) continue;
      const pattern = r.topic.replaceAll('%u', user ?? '').replaceAll('%c', clientId);
      if (topicMatches(pattern, topic, true)) return r.allow !== undefined;
    }
    return true;
  }
}
