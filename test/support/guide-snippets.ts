import { readFileSync } from 'node:fs';

/**
 * The files a guide's TypeScript code blocks show, by path: a block (or a part of one) that starts with a
 * `// src/<file>` comment line is that file's text, the comment left out. Blocks without one are skipped.
 */
export function guideSnippets(guide: string): Map<string, string> {
  const files = new Map<string, string>();
  const text = readFileSync(guide, 'utf8');
  for (const [, block = ''] of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    let path: string | undefined;
    let lines: string[] = [];
    const flush = () => {
      if (path !== undefined) files.set(path, `${lines.join('\n').trim()}\n`);
    };
    for (const line of block.split('\n')) {
      const named = /^\/\/ (src\/\S+)$/.exec(line);
      if (named) {
        flush();
        path = named[1];
        lines = [];
      } else lines.push(line);
    }
    flush();
  }
  return files;
}
