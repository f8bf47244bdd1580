import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Markdown links `[text](target)` and images; the target up to a space (a title may follow). */
const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** A scheme (`https:`, `mailto:`) or a protocol-relative `//host`: not a file of the package. */
const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

export interface BrokenLink {
  /** The markdown file, relative to the package root. */
  file: string;
  target: string;
  /** Why it does not resolve. */
  problem: string;
}

/** Targets of the relative links in one markdown text (code blocks are skipped: they show syntax, not links). */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(LINK)].map((m) => m[1]).filter((target) => !EXTERNAL.test(target) && !target.startsWith('#'));
}

/**
 * Every relative link of the given markdown files (paths relative to `root`)
 * that names no file under `root`, or one outside it: what a reader of the
 * installed package, or of the registry page that resolves links against the
 * repository, would find dead.
 */
export function brokenRelativeLinks(root: string, files: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const file of files) {
    for (const target of relativeLinks(readFileSync(join(root, file), 'utf8'))) {
      const path = decodeURIComponent(target.split('#', 1)[0]);
      if (path.startsWith('/')) {
        broken.push({ file, target, problem: 'absolute: resolves on neither the registry page nor in node_modules' });
        continue;
      }
      const resolved = normalize(join(dirname(file), path));
      if (resolved.startsWith('..')) broken.push({ file, target, problem: 'outside the package' });
      else if (!existsSync(join(root, resolved))) broken.push({ file, target, problem: 'no such file in the package' });
    }
  }
  return broken;
}
