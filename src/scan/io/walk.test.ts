import { chmod, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScanIoError } from './errors.ts';
import { type WalkEntry, type WalkOptions, type WalkProblem, walk } from './walk.ts';

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'shiming-walk-'));
});

afterEach(async () => {
  await chmod(base, 0o755).catch(() => {});
  await rm(base, { recursive: true, force: true });
});

/** Creates files (content = path) and directories (names ending in '/'). */
async function tree(root: string, paths: string[]): Promise<void> {
  for (const p of paths) {
    const full = join(root, p);
    if (p.endsWith('/')) await mkdir(full, { recursive: true });
    else {
      await mkdir(join(full, '..'), { recursive: true });
      await writeFile(full, p);
    }
  }
}

async function collect(roots: string[], options?: WalkOptions): Promise<(WalkEntry | WalkProblem)[]> {
  const out: (WalkEntry | WalkProblem)[] = [];
  for await (const item of walk(roots, options)) out.push(item);
  return out;
}

/** Files relative to `base`, in walk order. */
async function files(roots: string[], options?: WalkOptions): Promise<string[]> {
  return (await collect(roots, options))
    .filter((i): i is WalkEntry => i.kind === 'file')
    .map((i) => i.path.slice(base.length + 1));
}

async function problems(roots: string[], options?: WalkOptions): Promise<[string, string][]> {
  return (await collect(roots, options))
    .filter((i): i is WalkProblem => i.kind === 'problem')
    .map((i) => [i.path.slice(base.length + 1), i.error.code]);
}

describe('walk', () => {
  it('walks nested directories in a stable sorted order, with sizes', async () => {
    await tree(base, ['b.txt', 'a/z.csv', 'a/b/c.json', 'A.txt', 'c/', '.env', '.hidden/x.sql']);
    expect(await files([base])).toEqual(['.env', '.hidden/x.sql', 'A.txt', 'a/b/c.json', 'a/z.csv', 'b.txt']);
    const items = await collect([base]);
    expect(items.find((i) => i.path.endsWith('z.csv'))).toEqual({
      kind: 'file',
      path: join(base, 'a/z.csv'),
      size: 'a/z.csv'.length,
    });
  });

  it('skips hidden files only when asked, and .git always', async () => {
    await tree(base, [
      '.env',
      '.git/config',
      '.git/objects/x',
      'src/.git',
      'src/a.txt',
      'node_modules/m/i.js',
    ]);
    expect(await files([base])).toEqual(['.env', 'node_modules/m/i.js', 'src/a.txt']);
    expect(await files([base], { includeHidden: false })).toEqual(['node_modules/m/i.js', 'src/a.txt']);
  });

  it('yields a file root as is, and reports a missing root', async () => {
    await tree(base, ['one.log']);
    const missing = join(base, 'nope');
    const items = await collect([join(base, 'one.log'), missing, join(base, 'one.log')], {
      exclude: ['*.log'],
    });
    expect(items[0]).toEqual({ kind: 'file', path: join(base, 'one.log'), size: 7 });
    expect(items[1]?.kind).toBe('problem');
    const p = items[1] as WalkProblem;
    expect(p.error).toBeInstanceOf(ScanIoError);
    expect(p.error.code).toBe('NOT_FOUND');
    expect(p.error.message).toContain(missing);
    expect(items[2]?.kind).toBe('file');
  });

  it('honours .gitignore files like git: per directory, deeper wins, negations', async () => {
    await tree(base, [
      '.gitignore',
      'a.log',
      'keep.log',
      'data/x.csv',
      'sub/.gitignore',
      'sub/b.log',
      'sub/c.tmp',
      'sub/d.txt',
      'sub/deep/e.tmp',
      'other/c.tmp',
    ]);
    await writeFile(join(base, '.gitignore'), '*.log\n!keep.log\ndata/\n');
    await writeFile(join(base, 'sub/.gitignore'), '*.tmp\n!b.log\n');
    expect(await files([base])).toEqual([
      '.gitignore',
      'keep.log',
      'other/c.tmp',
      'sub/.gitignore',
      'sub/b.log',
      'sub/d.txt',
    ]);
    // Off: everything.
    expect(await files([base], { respectGitignore: false })).toHaveLength(10);
  });

  it('applies --exclude patterns relative to each root, over .gitignore', async () => {
    await tree(base, [
      'r/a.log',
      'r/keep.log',
      'r/secret/s.csv',
      'r/x/secret/t.csv',
      'r/x/y.csv',
      'r/.gitignore',
    ]);
    await writeFile(join(base, 'r/.gitignore'), 'keep.log\n');
    const root = join(base, 'r');
    expect(await files([root], { exclude: ['*.log', 'secret/', '!keep.log', '.gitignore'] })).toEqual([
      'r/keep.log',
      'r/x/y.csv',
    ]);
    // Anchored pattern: only the root's own secret/.
    expect(await files([root], { exclude: ['/secret/', '*.log', '.gitignore'] })).toEqual([
      'r/x/secret/t.csv',
      'r/x/y.csv',
    ]);
  });

  it('follows a symlink inside the tree once, after the tree, preferring real paths', async () => {
    await tree(base, ['data/2024/a.csv', 'data/2024/b.csv', 'notes.txt']);
    await symlink(join(base, 'data/2024'), join(base, 'data/current'));
    await symlink('notes.txt', join(base, 'alias.txt'));
    expect(await files([base])).toEqual(['data/2024/a.csv', 'data/2024/b.csv', 'notes.txt']);
    expect(await problems([base])).toEqual([]);
  });

  it('follows an inside link to content the walk did not reach', async () => {
    await tree(base, ['.snap/s1/a.csv', '.snap/note.txt']);
    await symlink('.snap/s1', join(base, 'latest'));
    await symlink('.snap/note.txt', join(base, 'note'));
    expect(await files([base], { includeHidden: false })).toEqual(['latest/a.csv', 'note']);
    expect(await files([base], { includeHidden: false, followSymlinks: false })).toEqual([]);
  });

  it('reports a symlink pointing outside the root and does not follow it', async () => {
    await tree(base, ['outside/secret.csv', 'root/in.txt']);
    await symlink(join(base, 'outside'), join(base, 'root/out'));
    await symlink('../outside/secret.csv', join(base, 'root/out.csv'));
    const root = join(base, 'root');
    expect(await files([root])).toEqual(['root/in.txt']);
    expect(await problems([root])).toEqual([
      ['root/out', 'SYMLINK_OUTSIDE'],
      ['root/out.csv', 'SYMLINK_OUTSIDE'],
    ]);
    // Excluded links are not reported.
    expect(await problems([root], { exclude: ['out*'] })).toEqual([]);
    // A root that is itself a link is followed.
    await symlink(join(base, 'outside'), join(base, 'link-root'));
    expect(await files([join(base, 'link-root')])).toEqual(['link-root/secret.csv']);
  });

  it('is safe with cycles, dangling and looping links', async () => {
    await tree(base, ['a/b/f.txt']);
    await symlink('..', join(base, 'a/b/up'));
    await symlink(base, join(base, 'a/self'));
    await symlink('missing', join(base, 'dangling'));
    await symlink('loop2', join(base, 'loop1'));
    await symlink('loop1', join(base, 'loop2'));
    expect(await files([base])).toEqual(['a/b/f.txt']);
    expect(await problems([base])).toEqual([
      ['dangling', 'NOT_FOUND'],
      ['loop1', 'SYMLINK_LOOP'],
      ['loop2', 'SYMLINK_LOOP'],
    ]);
  });

  it('reports files over maxFileSize as TOO_LARGE and goes on', async () => {
    await writeFile(join(base, 'big.txt'), 'x'.repeat(100));
    await writeFile(join(base, 'small.txt'), 'x');
    const items = await collect([base], { maxFileSize: 10 });
    expect(items.map((i) => [i.kind, i.path.slice(base.length + 1)])).toEqual([
      ['problem', 'big.txt'],
      ['file', 'small.txt'],
    ]);
    expect((items[0] as WalkProblem).error.code).toBe('TOO_LARGE');
  });

  it('reports an entry that vanishes between listing and stat, and goes on', async () => {
    await tree(base, ['a.txt', 'b.txt', 'c.txt', 'd/e.txt']);
    const seen: (WalkEntry | WalkProblem)[] = [];
    for await (const item of walk([base])) {
      seen.push(item);
      // The directory is listed already: remove what comes next.
      if (item.path.endsWith('a.txt')) {
        await unlink(join(base, 'b.txt'));
        await rm(join(base, 'd'), { recursive: true });
      }
    }
    expect(
      seen.map((i) => [i.kind, i.path.slice(base.length + 1), i.kind === 'problem' ? i.error.code : '']),
    ).toEqual([
      ['file', 'a.txt', ''],
      ['problem', 'b.txt', 'NOT_FOUND'],
      ['file', 'c.txt', ''],
      ['problem', 'd', 'NOT_FOUND'],
    ]);
  });

  it.skipIf(process.getuid?.() === 0)(
    'reports an unreadable directory as PERMISSION and goes on',
    async () => {
      await tree(base, ['locked/x.txt', 'open/y.txt']);
      await chmod(join(base, 'locked'), 0o000);
      try {
        expect(await problems([base])).toEqual([['locked', 'PERMISSION']]);
        expect(await files([base])).toEqual(['open/y.txt']);
      } finally {
        await chmod(join(base, 'locked'), 0o755);
      }
    },
  );

  it('does not read FIFOs or sockets inside a tree', async () => {
    await tree(base, ['a.txt']);
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('mkfifo', [join(base, 'pipe')]);
    } catch {
      return; // no mkfifo here
    }
    expect(await files([base])).toEqual(['a.txt']);
  });
});
