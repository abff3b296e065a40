/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning CI (GitHub, GitLab, Azure DevOps).
 *
 * Written as a stream: the document is opened, results are appended as they come, and the run is
 * closed at the end, so memory does not grow with the number of findings. Columns are counted in
 * Unicode code points and the run says so (`columnKind`). Messages carry masked values only.
 *
 * @module
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CATALOGUE } from '../../pi/catalogue.ts';
import type { PiTypeId } from '../../pi/types.ts';
import { VERSION } from '../../version.ts';
import type { Output, ProblemReport, Reporter } from './reporter.ts';
import { unreadableText } from './unreadable.ts';

/** A SARIF artifact URI for a report path: relative paths stay relative, with `/` separators. */
export function sarifUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return encodeURI(path.split('\\').join('/')).replace(/[?#]/g, encodeURIComponent);
}

function rules(types: readonly PiTypeId[]): unknown[] {
  return types.map((id) => {
    const t = CATALOGUE.get(id)!;
    return {
      id,
      name: id
        .toLowerCase()
        .split('_')
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(''),
      shortDescription: { text: t.description.en },
      fullDescription: { text: `${t.description.en} / ${t.description.zh}` },
      defaultConfiguration: { level: t.sensitive ? 'error' : 'warning' },
      properties: { tags: ['privacy', 'pii', t.sensitive ? 'sensitive-pi' : 'pi'], sensitive: t.sensitive },
    };
  });
}

export function sarifReporter(out: Output, types: readonly PiTypeId[]): Reporter {
  const index = new Map(types.map((t, i) => [t, i]));
  const problems: ProblemReport[] = [];
  let opened = false;
  let first = true;
  const open = async () => {
    if (opened) return;
    opened = true;
    const head = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
    };
    const driver = {
      name: 'shiming',
      informationUri: 'https://www.npmjs.com/package/shiming',
      semanticVersion: VERSION,
      version: VERSION,
      rules: rules(types),
    };
    const h = JSON.stringify(head);
    await out.write(
      `${h.slice(0, -1)},"runs":[{"tool":{"driver":${JSON.stringify(driver)}},"columnKind":"unicodeCodePoints","results":[`,
    );
  };
  return {
    async findings(batch) {
      await open();
      let s = '';
      for (const f of batch) {
        const t = CATALOGUE.get(f.type)!;
        const result = {
          ruleId: f.type,
          ruleIndex: index.get(f.type) ?? -1,
          level: t.sensitive ? 'error' : 'warning',
          message: {
            text: `${t.description.en} (${f.masked})${f.field !== undefined ? ` in field "${f.field}"` : ''}, score ${f.score}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(f.path) },
                region: { startLine: f.line, startColumn: f.column },
              },
              ...(f.part === undefined ? {} : { logicalLocations: [{ name: f.part }] }),
            },
          ],
          properties: {
            score: f.score,
            masked: f.masked,
            ...(f.field !== undefined ? { field: f.field } : {}),
            ...(f.part !== undefined ? { part: f.part } : {}),
          },
        };
        s += (first ? '' : ',') + JSON.stringify(result);
        first = false;
      }
      await out.write(s);
    },
    async file(s) {
      // A file the scan could not fully see into is a warning, like a file it could not read.
      if ((s.unreadableEntries ?? 0) > 0) {
        problems.push({ code: 'UNREADABLE_PARTS', path: s.path, message: `${s.path}: ${unreadableText(s)}` });
      }
    },
    async problem(p) {
      problems.push(p);
    },
    async end(totals) {
      await open();
      const invocation = {
        executionSuccessful: true,
        toolExecutionNotifications: problems.map((p) => ({
          level: 'warning',
          message: { text: p.message },
          descriptor: { id: p.code },
          locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(p.path) } } }],
        })),
        properties: { files: totals.files, bytes: totals.bytes, findings: totals.findings },
      };
      await out.write(`],"invocations":[${JSON.stringify(invocation)}]}]}\n`);
    },
  };
}
