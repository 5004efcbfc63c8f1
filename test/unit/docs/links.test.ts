import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

// Every document the repository links to or cites is in the repository, and every
// anchor a link or an alarm description names is a heading of its document.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', 'dist', '.streamtally', 'coverage']);

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, keep));
    else if (keep(full)) found.push(full);
  }
  return found;
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** The documents whose links are checked: README.md, CONTRIBUTING.md and docs/*.md. */
function linkedDocuments(root = ROOT): string[] {
  const docsDir = path.join(root, 'docs');
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((name) => name.endsWith('.md'))
        .map((name) => path.join(docsDir, name))
    : [];
  return [path.join(root, 'README.md'), path.join(root, 'CONTRIBUTING.md'), ...docs].filter((file) => existsSync(file));
}

/** Markdown text without fenced code blocks and inline code, where links are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The targets of inline links `[text](target)` and reference definitions `[label]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const targets: string[] = [];
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]!);
  for (const match of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) targets.push(match[1]!);
  return targets;
}

/** GitHub's anchors for the headings of a markdown document. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = match[1]!
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Each relative link of `file` that does not resolve: a missing file or a missing heading. */
function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (isExternal(target)) continue;
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const linked = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
    if (!existsSync(linked)) {
      broken.push(`${relative(file)}: ${target} (no such file)`);
      continue;
    }
    if (anchor && linked.endsWith('.md') && statSync(linked).isFile() && !headingAnchors(readFileSync(linked, 'utf8')).has(anchor)) {
      broken.push(`${relative(file)}: ${target} (no heading #${anchor})`);
    }
  }
  return broken;
}

/** Each `.md` document a .ts or .md file names that is not in the repository (relative to the root or to the file). */
function missingCitedDocuments(root = ROOT): string[] {
  const self = path.resolve(__filename);
  const missing: string[] = [];
  // A bare name (`targets.md`, as in `path.join(ROOT, 'docs', 'targets.md')`) is found if a document of that name exists.
  const names = new Set(filesUnder(root, (name) => name.endsWith('.md')).map((file) => path.basename(file)));
  for (const file of filesUnder(root, (name) => /\.(ts|mts|md)$/.test(name) && path.resolve(name) !== self)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)(?![\w/])/g)) {
      const cited = match[1]!;
      if (/^\d/.test(cited) || cited.startsWith('.md')) continue;
      const fromRoot = path.resolve(root, cited);
      const fromFile = path.resolve(path.dirname(file), cited);
      if (existsSync(fromRoot) || existsSync(fromFile)) continue;
      if (!cited.includes('/') && names.has(cited)) continue;
      missing.push(`${relative(file)}: ${cited}`);
    }
  }
  return [...new Set(missing)];
}

/** The runbook anchors the alarm descriptions link to (lib/Monitoring.ts: one per alarm name). */
function alarmRunbookAnchors(): string[] {
  const source = readFileSync(path.join(ROOT, 'lib', 'Monitoring.ts'), 'utf8');
  const names = [...source.matchAll(/^\s*name: '([A-Za-z0-9-]+)',/gm)].map((match) => match[1]!);
  const composite = [...source.matchAll(/runbookLink\('([A-Za-z0-9-]+)'\)/g)].map((match) => match[1]!);
  return [...names, ...composite].map((name) => name.toLowerCase());
}

describe('documents', () => {
  it('finds the documents to check', () => {
    const expected = ['README.md', 'CONTRIBUTING.md', 'docs/contract.md', 'docs/monitoring.md'];
    expect(linkedDocuments().map(relative)).toEqual(expect.arrayContaining(expected));
  });

  it.each(linkedDocuments().map(relative))('every relative link of %s resolves', (file) => {
    expect(brokenLinks(path.join(ROOT, file))).toEqual([]);
  });

  it('no .ts or .md file cites a .md document that is not in the repository', () => {
    expect(missingCitedDocuments()).toEqual([]);
  });

  it('every alarm description links to a heading of docs/monitoring.md', () => {
    const anchors = alarmRunbookAnchors();
    expect(anchors.length).toBeGreaterThan(15);
    const headings = headingAnchors(readFileSync(path.join(ROOT, 'docs', 'monitoring.md'), 'utf8'));
    expect(anchors.filter((anchor) => !headings.has(anchor))).toEqual([]);
  });

  it('README.md stays short', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });
});
