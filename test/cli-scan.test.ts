/**
 * End-to-end tests of `shiming scan`: the real command in a child process (Node 24, sources via
 * type stripping) over a folder of messy files — GBK with CRLF, gzip, SQL, JSONL, binary, a
 * symlink out of the tree — checking reports, masking and exit codes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, type CliRun, runCli } from './support/cli.ts';
import { bankCard, mobile } from './synth/contacts.ts';
import { encodeGbk } from './synth/gbk.ts';
import { residentId } from './synth/ids.ts';
import { docx, xlsx } from './synth/office.ts';
import { pdf } from './synth/pdf.ts';
import { mulberry32 } from './synth/rng.ts';

function shiming(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: { NO_COLOR: '1' }, maxBuffer: 64 << 20 });
}

const rng = mulberry32(2026);
const ids = [residentId(rng), residentId(rng), residentId(rng)];
const phones = [mobile(rng), mobile(rng)].map((m) => m.replace(/\D/g, '').slice(-11));
const card = bankCard(rng, { length: 19 }).replace(/\D/g, '');
let dir = '';
let outside = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-cli-'));
  outside = await mkdtemp(join(tmpdir(), 'shiming-outside-'));
  await mkdir(join(dir, 'exports'));
  // A GBK CSV with CRLF, as Excel on Chinese Windows writes it.
  const csv = `序号,客户名称,身份证号,联系电话,备注\r\n1,示例客户,${ids[0]},${phones[0]},无\r\n2,示例客户,${ids[1]},${phones[1]},订单号202311110000123456\r\n`;
  await writeFile(join(dir, 'exports', 'customers.csv'), encodeGbk(csv));
  // gzip'd JSONL with full-width digits in one value.
  const fw = phones[0]!.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const jsonl = `{"trace":"550e8400-e29b-41d4-a716-446655440000","mobile":"${fw}"}\n{"ts":1699999999123,"card_no":"${card}"}\n`;
  await writeFile(join(dir, 'exports', 'app.jsonl.gz'), gzipSync(Buffer.from(jsonl)));
  // An SQL dump.
  await writeFile(
    join(dir, 'dump.sql'),
    `CREATE TABLE users (\n  id int,\n  id_card char(18),\n  note text\n);\nINSERT INTO users VALUES (1,'${ids[2]}','ok');\n`,
  );
  await writeFile(join(dir, 'clean.txt'), '今天天气很好，版本 1.2.3，金额 128.00 元。\n');
  // Enough findings for several batches from a worker (regression: late batches were dropped).
  const many = Array.from(
    { length: 3000 },
    (_, i) => `第${i}条 手机 ${mobile(rng).replace(/\D/g, '').slice(-11)}`,
  );
  await mkdir(join(dir, 'logs'));
  await writeFile(join(dir, 'logs', 'sms.log'), `${many.join('\n')}\n`);
  await writeFile(
    join(dir, 'image.png'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
  );
  await writeFile(join(outside, 'secret.txt'), `身份证 ${ids[0]}\n`);
  await symlink(join(outside, 'secret.txt'), join(dir, 'link-out.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

function jsonl(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('shiming scan --format jsonl', () => {
  it('finds PI in GBK, gzip, SQL and JSONL files, with fields, lines and columns', async () => {
    const r = await shiming(['scan', '.', '--format', 'jsonl', '--jobs', '1', '--exclude', 'logs/'], dir);
    expect(r.code).toBe(0);
    const found = jsonl(r.stdout).map((f) => [f.path, f.line, f.column, f.field, f.type]);
    expect(found).toEqual([
      ['dump.sql', 6, 30, 'id_card', 'CN_RESIDENT_ID'],
      ['exports/app.jsonl.gz', 1, 59, 'mobile', 'CN_MOBILE'],
      ['exports/app.jsonl.gz', 2, 32, 'card_no', 'CN_BANK_CARD'],
      ['exports/customers.csv', 2, 8, '身份证号', 'CN_RESIDENT_ID'],
      ['exports/customers.csv', 2, 27, '联系电话', 'CN_MOBILE'],
      ['exports/customers.csv', 3, 8, '身份证号', 'CN_RESIDENT_ID'],
      ['exports/customers.csv', 3, 27, '联系电话', 'CN_MOBILE'],
    ]);
    // Masked by default: no raw value anywhere in the output.
    for (const v of [...ids, ...phones, card]) expect(r.stdout).not.toContain(v);
    expect(r.stderr).toContain('link-out.txt');
  });

  it('shows raw values only when asked', async () => {
    const r = await shiming(['scan', 'dump.sql', '--format', 'jsonl', '--show-values'], dir);
    expect(jsonl(r.stdout).map((f) => f.value)).toEqual([ids[2]]);
  });

  it('gives the same report with worker threads, however many batches a file yields', async () => {
    const one = await shiming(['scan', '.', '--format', 'jsonl', '--jobs', '1'], dir);
    const two = await shiming(['scan', '.', '--format', 'jsonl', '--jobs', '2'], dir);
    expect(jsonl(one.stdout).filter((f) => f.path === 'logs/sms.log')).toHaveLength(3000);
    expect(two.stdout).toBe(one.stdout);
  });

  it('gives the same CSV with worker threads, which render it themselves, and still counts findings', async () => {
    const args = ['scan', '.', '--format', 'csv', '--show-values', '--fail-on-findings'];
    const one = await shiming([...args, '--jobs', '1'], dir);
    const two = await shiming([...args, '--jobs', '2'], dir);
    expect(one.stdout.split('\r\n').length).toBeGreaterThan(3000);
    expect(two.stdout).toBe(one.stdout);
    expect([one.code, two.code]).toEqual([1, 1]);
  });

  it('stops quietly when the reader goes away (| head), and says so when the report cannot be written', async () => {
    // The first chunk of output is read, then the pipe is closed, as `head -1` does.
    const child = spawn(process.execPath, [CLI_ENTRY, 'scan', '.', '--format', 'jsonl', '--jobs', '2'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
    // A full disk under -o: a clear message and exit 2 (Linux's /dev/full answers every write with ENOSPC).
    if (existsSync('/dev/full')) {
      const full = await shiming(['scan', '.', '--format', 'jsonl', '-o', '/dev/full'], dir);
      expect(full.code).toBe(2);
      expect(full.stderr).toContain('cannot write the report (ENOSPC)');
    }
  });

  it('filters by type and score', async () => {
    const r = await shiming(
      ['scan', '.', '--format', 'jsonl', '--types', 'cn_mobile', '--min-score', '0.9'],
      dir,
    );
    const types = new Set(jsonl(r.stdout).map((f) => f.type));
    expect([...types]).toEqual(['CN_MOBILE']);
  });

  it('honours --exclude', async () => {
    const r = await shiming(['scan', '.', '--format', 'jsonl', '--exclude', 'exports/'], dir);
    expect(new Set(jsonl(r.stdout).map((f) => f.path))).toEqual(new Set(['dump.sql', 'logs/sms.log']));
  });
});

describe('other report formats', () => {
  it('writes valid SARIF 2.1.0 with one result per finding', async () => {
    const [sarif, lines] = await Promise.all([
      shiming(['scan', '.', '--format', 'sarif'], dir),
      shiming(['scan', '.', '--format', 'jsonl'], dir),
    ]);
    const doc = JSON.parse(sarif.stdout) as {
      version: string;
      runs: {
        columnKind: string;
        results: { ruleId: string; locations: unknown[] }[];
        tool: { driver: { rules: unknown[] } };
      }[];
    };
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0]!.columnKind).toBe('unicodeCodePoints');
    expect(doc.runs[0]!.results.map((r) => r.ruleId)).toEqual(jsonl(lines.stdout).map((f) => f.type));
    expect(doc.runs[0]!.tool.driver.rules.length).toBe(19);
  });

  it('writes CSV with a header', async () => {
    const r = await shiming(['scan', 'dump.sql', '--format', 'csv'], dir);
    expect(r.stdout.split('\r\n')[0]).toBe('path,line,column,field,part,type,score,masked');
    expect(r.stdout).toContain('dump.sql,6,30,id_card,,CN_RESIDENT_ID');
  });

  it('prints a human summary by default', async () => {
    const r = await shiming(['scan', '.', '--exclude', 'logs'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Shiming scan: 7 findings in \d+ files/);
    expect(r.stdout).toContain('CN_RESIDENT_ID');
    expect(r.stdout).toContain('SYMLINK_OUTSIDE');
  });
});

describe('exit codes', () => {
  it('exits 1 on findings with --fail-on-findings, 0 on clean files', async () => {
    expect((await shiming(['scan', '.', '--fail-on-findings', '--format', 'jsonl'], dir)).code).toBe(1);
    expect((await shiming(['scan', 'clean.txt', '--fail-on-findings'], dir)).code).toBe(0);
  });

  it('exits 2 on usage errors, with a clear message', async () => {
    const bad = await shiming(['scan', '.', '--min-score', '2'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('between 0 and 1');
    const type = await shiming(['scan', '.', '--types', 'NOPE'], dir);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('unknown type "NOPE"');
    expect((await shiming(['scan'], dir)).code).toBe(2);
    expect((await shiming(['frobnicate'], dir)).code).toBe(2);
  });

  it('exits 2 when a path cannot be read, after scanning the rest', async () => {
    const r = await shiming(['scan', 'missing.csv', 'dump.sql', '--format', 'jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.csv');
    expect(jsonl(r.stdout)).toHaveLength(1);
  });

  it('answers --help and --version with 0', async () => {
    const help = await shiming(['scan', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on-findings');
    expect((await shiming(['--version'], dir)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('Office files', () => {
  let office = '';
  beforeAll(async () => {
    office = await mkdtemp(join(tmpdir(), 'shiming-office-'));
    await writeFile(
      join(office, '员工花名册.xlsx'),
      xlsx([
        { name: '说明', rows: [['本表含个人信息，请勿外传']] },
        {
          name: '在职',
          rows: [
            ['工号', '身份证号码', '手机'],
            ['E001', ids[0]!, Number(phones[0])],
            [5, ['E002', ids[1]!, phones[1]!]],
          ],
        },
      ]),
    );
    await writeFile(join(office, '说明.docx'), docx([`如有疑问请致电 ${phones[0]}`]));
    // A scanned ID card: pages of image, no text layer.
    await writeFile(join(office, '身份证扫描件.pdf'), pdf([{ texts: [], imageOnly: true }]));
  });
  afterAll(async () => {
    await rm(office, { recursive: true, force: true });
  });

  it('reports the sheet, the cell and the header in JSONL and SARIF, the same with workers', async () => {
    const one = await shiming(['scan', '.', '--format', 'jsonl', '--jobs', '1'], office);
    const two = await shiming(['scan', '.', '--format', 'jsonl', '--jobs', '2'], office);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(jsonl(one.stdout).map((f) => [f.path, f.part, f.line, f.column, f.field, f.type])).toEqual([
      ['员工花名册.xlsx', '在职', 2, 2, '身份证号码', 'CN_RESIDENT_ID'],
      ['员工花名册.xlsx', '在职', 2, 3, '手机', 'CN_MOBILE'],
      ['员工花名册.xlsx', '在职', 5, 2, '身份证号码', 'CN_RESIDENT_ID'],
      ['员工花名册.xlsx', '在职', 5, 3, '手机', 'CN_MOBILE'],
      ['说明.docx', 'document', 1, 9, null, 'CN_MOBILE'],
    ]);
    const sarif = JSON.parse(
      (await shiming(['scan', '员工花名册.xlsx', '--format', 'sarif'], office)).stdout,
    ) as {
      runs: { results: { locations: { logicalLocations?: { name: string }[] }[] }[] }[];
    };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.logicalLocations).toEqual([{ name: '在职' }]);
    const csv = (await shiming(['scan', '.', '--format', 'csv', '--jobs', '1'], office)).stdout.split('\r\n');
    expect(csv[0]).toBe('path,line,column,field,part,type,score,masked');
    expect(csv[1]).toMatch(/^员工花名册\.xlsx,2,2,身份证号码,在职,CN_RESIDENT_ID,/);
    expect(csv[5]).toMatch(/^说明\.docx,1,9,,document,CN_MOBILE,/);
  });

  it('names the files it could not see into, in the summary and as SARIF warnings', async () => {
    const summary = await shiming(['scan', '.'], office);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain('1 part of 1 file not read');
    expect(summary.stdout).toMatch(
      /Not fully read \(may hold PI\)\n {2}身份证扫描件\.pdf {2}1 part not read \(pdf: .*no text layer/,
    );
    const sarif = JSON.parse((await shiming(['scan', '.', '--format', 'sarif'], office)).stdout) as {
      runs: {
        invocations: {
          toolExecutionNotifications: { descriptor: { id: string }; message: { text: string } }[];
        }[];
      }[];
    };
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notes.map((n) => n.descriptor.id)).toEqual(['UNREADABLE_PARTS']);
    expect(notes[0]!.message.text).toContain('身份证扫描件.pdf');
  });
});
