/**
 * Walking the paths given to `shiming scan`: files in a stable order, ignore rules, symlinks kept
 * inside the tree, and every failure reported per path instead of ending the walk.
 *
 * @module
 */

import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ScanIoError, toScanIoError } from './errors.ts';

/** Options of {@link walk}. */
export interface WalkOptions {
  /**
   * Gitignore-style patterns, relative to each root (`*.log`, `secret/`, `!keep.log`). They take
   * precedence over `.gitignore` files: `!keep.log` here re-includes a file a `.gitignore` ignores.
   */
  readonly exclude?: readonly string[] | undefined;
  /**
   * Honour `.gitignore` files found inside the walked tree, each for its own directory and below,
   * deeper files overriding shallower ones, as git does (default `true`). Files outside the roots
   * (a parent's `.gitignore`, `.git/info/exclude`, the global excludes file) are not read.
   */
  readonly respectGitignore?: boolean | undefined;
  /**
   * Walk hidden files and directories (names starting with `.`), default `true`: unlike a code
   * search tool, a PI scanner must look at `.env`, `.bash_history` and friends. `.git/` is always
   * skipped.
   */
  readonly includeHidden?: boolean | undefined;
  /** Files larger than this many bytes are reported as `TOO_LARGE` problems and skipped. */
  readonly maxFileSize?: number | undefined;
  /**
   * Follow symbolic links whose real target lies inside the root being walked (default `true`).
   * Links pointing outside are never followed: they are reported as `SYMLINK_OUTSIDE`. With
   * `false`, links inside the tree are skipped silently. A root that is itself a link is always
   * followed: the user named it.
   */
  readonly followSymlinks?: boolean | undefined;
}

/** A file to scan. */
export interface WalkEntry {
  readonly kind: 'file';
  /** The root as given, joined with the names below it (for reports). */
  readonly path: string;
  /** Size in bytes when walked (0 for a FIFO or device given as a root). */
  readonly size: number;
}

/** A path the walk could not (or would not) visit; the walk goes on. */
export interface WalkProblem {
  readonly kind: 'problem';
  readonly path: string;
  readonly error: ScanIoError;
}

/** Layer of ignore rules: the rules of one `.gitignore`, and where the walk stands below it. */
interface Layer {
  readonly rules: Ignore;
  /** Path from the rules' directory to the directory being listed, `/`-separated ('' at it). */
  readonly prefix: string;
}

/** A directory to list. */
interface Dir {
  /** Display path (root as given + names). */
  readonly path: string;
  /** Real path: the realpath of the root, or of a followed link, plus names. */
  readonly real: string;
  /** Path from the root, `/`-separated, for the `exclude` rules. */
  readonly rel: string;
  /** `.gitignore` layers from the root down to (not including) this directory's own. */
  readonly layers: readonly Layer[];
}

/** A link inside the tree, followed after the tree itself so that real paths are preferred. */
interface DeferredLink {
  readonly path: string;
  readonly real: string;
  readonly rel: string;
  readonly layers: readonly Layer[];
  readonly stats: Stats;
}

/** State of walking one root. */
interface RootWalk {
  readonly exclude: Ignore | undefined;
  readonly respectGitignore: boolean;
  readonly includeHidden: boolean;
  readonly followSymlinks: boolean;
  readonly maxFileSize: number;
  readonly rootReal: string;
  /** Real paths of the directories listed so far: cycle guard and "already covered" test. */
  readonly visited: Set<string>;
  /** Real paths of files reached through links. */
  readonly linkedFiles: Set<string>;
  readonly deferred: DeferredLink[];
}

type WalkItem = WalkEntry | WalkProblem;

function problem(error: ScanIoError): WalkProblem {
  return { kind: 'problem', path: error.path, error };
}

function joinRel(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function byName(a: Dirent, b: Dirent): number {
  // Code-unit order: stable across machines and locales.
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isInside(real: string, root: string): boolean {
  if (real === root) return true;
  return real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Gitignore precedence: `exclude` first, then the deepest `.gitignore` with an opinion. */
function isIgnored(
  walk: RootWalk,
  rel: string,
  layers: readonly Layer[],
  name: string,
  isDir: boolean,
): boolean {
  const slash = isDir ? '/' : '';
  if (walk.exclude) {
    const verdict = walk.exclude.test(joinRel(rel, name) + slash);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const verdict = layer.rules.test(joinRel(layer.prefix, name) + slash);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function descend(layers: readonly Layer[], name: string): Layer[] {
  return layers.map((l) => ({ rules: l.rules, prefix: joinRel(l.prefix, name) }));
}

function fileItem(walk: RootWalk, path: string, size: number): WalkItem {
  if (size > walk.maxFileSize) {
    return problem(
      new ScanIoError(
        'TOO_LARGE',
        path,
        `${path}: ${size} bytes exceeds the limit of ${walk.maxFileSize} bytes`,
      ),
    );
  }
  return { kind: 'file', path, size };
}

async function* walkDir(walk: RootWalk, dir: Dir): AsyncGenerator<WalkItem> {
  walk.visited.add(dir.real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir.path, { withFileTypes: true });
  } catch (error) {
    yield problem(toScanIoError(error, dir.path, 'list directory'));
    return;
  }
  let layers = dir.layers;
  if (walk.respectGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
    const file = join(dir.path, '.gitignore');
    try {
      const rules = ignore({ ignorecase: false }).add(await readFile(file, 'utf8'));
      layers = [...layers, { rules, prefix: '' }];
    } catch (error) {
      yield problem(toScanIoError(error, file, 'read ignore file'));
    }
  }
  entries.sort(byName);
  for (const entry of entries) {
    const name = entry.name;
    if (name === '.git') continue;
    if (!walk.includeHidden && name.startsWith('.')) continue;
    const path = join(dir.path, name);
    if (entry.isSymbolicLink()) {
      if (walk.followSymlinks) yield* noteLink(walk, dir, layers, name, path);
    } else if (entry.isDirectory()) {
      if (isIgnored(walk, dir.rel, layers, name, true)) continue;
      yield* walkDir(walk, {
        path,
        real: join(dir.real, name),
        rel: joinRel(dir.rel, name),
        layers: descend(layers, name),
      });
    } else if (entry.isFile()) {
      if (isIgnored(walk, dir.rel, layers, name, false)) continue;
      let stats: Stats;
      try {
        stats = await lstat(path);
      } catch (error) {
        // Gone or changed between the listing and now: report, go on.
        yield problem(toScanIoError(error, path, 'stat'));
        continue;
      }
      yield fileItem(walk, path, stats.size);
    }
    // Sockets, FIFOs and devices inside a tree hold nothing to scan (and a FIFO would block).
  }
}

/** Resolves a link met in the tree: reported when it leaves the root, else deferred. */
async function* noteLink(
  walk: RootWalk,
  dir: Dir,
  layers: readonly Layer[],
  name: string,
  path: string,
): AsyncGenerator<WalkItem> {
  let real: string;
  let stats: Stats;
  try {
    real = await realpath(path);
    stats = await stat(real);
  } catch (error) {
    // Dangling (NOT_FOUND) or looping (SYMLINK_LOOP) links.
    yield problem(toScanIoError(error, path, 'resolve symbolic link'));
    return;
  }
  const isDir = stats.isDirectory();
  if (isIgnored(walk, dir.rel, layers, name, isDir)) return;
  if (!isInside(real, walk.rootReal)) {
    yield problem(
      new ScanIoError(
        'SYMLINK_OUTSIDE',
        path,
        `${path}: symbolic link points outside the scanned tree; not followed`,
      ),
    );
    return;
  }
  if (!isDir && !stats.isFile()) return;
  walk.deferred.push({
    path,
    real,
    rel: joinRel(dir.rel, name),
    layers: isDir ? descend(layers, name) : layers,
    stats,
  });
}

/**
 * Follows the links noted during the walk. A link to a directory is walked unless that directory
 * was already listed (cycles end here); a link to a file is yielded unless the walk listed the
 * file's directory (it was then scanned, or excluded on purpose, under its real name).
 */
async function* followLinks(walk: RootWalk): AsyncGenerator<WalkItem> {
  // walkDir may append more links while this runs.
  for (let i = 0; i < walk.deferred.length; i++) {
    const link = walk.deferred[i]!;
    if (link.stats.isDirectory()) {
      if (walk.visited.has(link.real)) continue;
      yield* walkDir(walk, { path: link.path, real: link.real, rel: link.rel, layers: link.layers });
    } else {
      if (walk.visited.has(dirname(link.real)) || walk.linkedFiles.has(link.real)) continue;
      walk.linkedFiles.add(link.real);
      yield fileItem(walk, link.path, link.stats.size);
    }
  }
}

async function* walkRoot(
  root: string,
  options: WalkOptions,
  exclude: Ignore | undefined,
): AsyncGenerator<WalkItem> {
  let stats: Stats;
  let rootReal: string;
  try {
    stats = await stat(root);
    rootReal = await realpath(root);
  } catch (error) {
    yield problem(toScanIoError(error, root, 'stat'));
    return;
  }
  const walk: RootWalk = {
    exclude,
    respectGitignore: options.respectGitignore ?? true,
    includeHidden: options.includeHidden ?? true,
    followSymlinks: options.followSymlinks ?? true,
    maxFileSize: options.maxFileSize ?? Number.POSITIVE_INFINITY,
    rootReal,
    visited: new Set(),
    linkedFiles: new Set(),
    deferred: [],
  };
  if (!stats.isDirectory()) {
    // A file named on the command line is scanned whatever the ignore rules say.
    yield fileItem(walk, root, stats.size);
    return;
  }
  yield* walkDir(walk, { path: root, real: rootReal, rel: '', layers: [] });
  yield* followLinks(walk);
}

/**
 * Walks `roots` (files or directories) and yields each file to scan, or a problem for each path
 * that cannot be visited (missing root, permission denied, link outside the tree, too large ...).
 *
 * Order is stable: roots in the order given; inside a directory, entries sorted by name (code
 * units), directories descended where they sort; links inside the tree last, per root.
 * Memory grows with the tree's depth, the size of the directories being listed and the number of
 * directories (a set of their real paths guards against cycles), not with the number of files.
 */
export async function* walk(roots: readonly string[], options: WalkOptions = {}): AsyncGenerator<WalkItem> {
  const exclude =
    options.exclude && options.exclude.length > 0
      ? ignore({ ignorecase: false }).add([...options.exclude])
      : undefined;
  for (const root of roots) yield* walkRoot(root, options, exclude);
}
