/**
 * Every relative link in README.md and docs/*.md points at a file of the repository, and a
 * `#anchor` at a heading of that file (GitHub's anchors: the heading in lower case, punctuation
 * dropped, spaces as '-'). Links to other sites are not followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/support';

const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code: links are only there. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1])));
}

test("anchors are GitHub's", () => {
  assert.is(anchorOf('npm 11 and install scripts'), 'npm-11-and-install-scripts');
  assert.is(anchorOf('Switching Node.js versions'), 'switching-nodejs-versions');
  assert.is(anchorOf('Frames out: GstVideoSource'), 'frames-out-gstvideosource');
});

test('every relative link in README.md and docs/ points at a file (and heading) that exists', () => {
  const broken: string[] = [];
  let count = 0;
  for (const page of pages) {
    const text = prose(fs.readFileSync(path.join(ROOT, page), 'utf8'));
    for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      count++;
      const [file, anchor] = target.split('#', 2);
      const resolved = file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), decodeURIComponent(file));
      if (!resolved.startsWith(ROOT + path.sep) || !fs.existsSync(resolved)) {
        broken.push(`${page}: ${target} (no such file)`);
      } else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
        broken.push(`${page}: ${target} (no heading with that anchor in ${path.relative(ROOT, resolved)})`);
      }
    }
  }
  assert.ok(count >= 10, `only ${count} relative links found: is the pattern still right?`);
  assert.equal(broken, [], `broken links:\n${broken.join('\n')}`);
});

test.run();
