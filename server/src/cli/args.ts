// A small command-line parser: positionals, --flags and --key value (or --key=value).

import { nameKey } from '../core/syntax/lexer';
import { words } from './i18n';

export interface Parsed {
  positionals: string[];
  flags: Map<string, string | true>;
  /** the flags that may be given again and again (nn train --set), each value in order */
  lists?: Map<string, string[]>;
}

export class UsageError extends Error {}

/**
 * Flags whose value is a name in a .nn file: compared as the language compares names, in NFC
 * (a terminal may give `Café` decomposed). Paths are left as given: a file system may tell the
 * two forms apart.
 */
const NAME_FLAGS: ReadonlySet<string> = new Set(['train', 'model']);

export function parseArgs(argv: string[], valued: readonly string[], booleans: readonly string[], repeated: readonly string[] = []): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (repeated.includes(key)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(words().needsValue(key));
        lists.set(key, [...(lists.get(key) ?? []), v]);
      } else if (valued.includes(key)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(words().needsValue(key));
        flags.set(key, NAME_FLAGS.has(key) ? nameKey(v) : v);
      } else if (booleans.includes(key) && eq < 0) {
        flags.set(key, true);
      } else {
        throw new UsageError(words().unknownOption(key));
      }
      continue;
    }
    positionals.push(a);
  }
  return { positionals, flags, lists };
}
