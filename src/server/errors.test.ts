/**
 * The public error codes, the code and docs/api.md kept in step (fastify's errors test, in
 * spirit): every code the server can send is in the catalogue and documented with its status, the
 * docs list no code that does not exist, and every route and role appears in the docs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/server-app.ts';
import { routesOf } from './app.ts';
import { ROLES } from './auth/roles.ts';
import { API_ERROR_CODES, API_ERRORS, ApiError, errorBody } from './errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function serverSources(dir = join(ROOT, 'src', 'server')): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
    }
  }
  return files;
}

/** `| \`CODE\` | 400 | … |` rows of the "## Errors" section. */
function documentedCodes(doc: string): Map<string, number> {
  const section = doc.slice(doc.indexOf('## Errors'), doc.indexOf('\n## ', doc.indexOf('## Errors') + 1));
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| `([A-Z_]+)` *\| (\d{3}) *\|/gm)) rows.set(m[1]!, Number(m[2]));
  return rows;
}

describe('error codes', () => {
  let doc: string;
  beforeAll(async () => {
    doc = await readFile(join(ROOT, 'docs', 'api.md'), 'utf8');
  });

  it('are all documented with their status in docs/api.md', () => {
    const documented = documentedCodes(doc);
    for (const code of API_ERROR_CODES) {
      expect(documented.get(code), `${code} in docs/api.md`).toBe(API_ERRORS[code].status);
    }
  });

  it('documented in docs/api.md all exist', () => {
    for (const code of documentedCodes(doc).keys()) expect(API_ERROR_CODES).toContain(code);
  });

  it('used anywhere in src/server are in the catalogue', async () => {
    const used = new Set<string>();
    for (const source of await serverSources()) {
      for (const m of source.matchAll(/ApiError\(\s*'([A-Z_]+)'/g)) used.add(m[1]!);
      for (const m of source.matchAll(/: '([A-Z_]+)',$/gm)) {
        if (m[1]!.length > 3 && API_ERROR_CODES.includes(m[1] as never)) used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(5);
    for (const code of used) expect(API_ERROR_CODES, code).toContain(code);
  });

  it('render as { error: { code, message, field? } } and keep their status', () => {
    const e = new ApiError('INVALID_REQUEST', 'index must be below size', { field: 'index' });
    expect(e.statusCode).toBe(400);
    expect(errorBody(e)).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'index must be below size', field: 'index' },
    });
    expect(errorBody(new ApiError('FORBIDDEN'))).toEqual({
      error: { code: 'FORBIDDEN', message: API_ERRORS.FORBIDDEN.message },
    });
  });
});

describe('docs/api.md', () => {
  let t: TestApp;
  let doc: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    doc = await readFile(join(ROOT, 'docs', 'api.md'), 'utf8');
  });
  afterAll(() => t.close());

  it('names every route', () => {
    const routes = routesOf(t.app).filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs/'));
    for (const route of routes) {
      // Tile routes are documented by their C2SP paths.
      const url = route.url === '/v1/audit/tile/*' ? '/v1/audit/tile/' : route.url;
      expect(doc, `${route.method} ${route.url}`).toContain(`${route.method} ${url}`);
    }
  });

  it('has a column for every role', () => {
    const header = doc.split('\n').find((l) => /^\| route +\| admin/.test(l));
    expect(header).toBeDefined();
    for (const role of ROLES) expect(header).toContain(role);
  });
});
