import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { residentId, uscc } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { residentIdCheckChar } from '../pi/cn-resident-id.ts';
import { usccCheckChar } from '../pi/cn-uscc.ts';
import { scanBuffer, scanStream, scanText } from './stream.ts';
import type { Finding, ScanOptions, SourceFormat } from './types.ts';

const NOW = new Date('2026-11-28T00:00:00Z');
const opts: ScanOptions = { now: NOW, showValues: true };

/** An 18-digit resident ID with a correct check character. */
function id18(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}
function credit(first17: string): string {
  return first17 + usccCheckChar(first17);
}
function types(found: readonly Finding[]): string[] {
  return found.map((f) => f.type);
}
function only(text: string, o: ScanOptions = opts): Finding {
  const found = scanText(text, o).filter((f) => f.type !== 'CN_NAME' && f.type !== 'CN_ADDRESS');
  expect(found, JSON.stringify(found)).toHaveLength(1);
  return found[0]!;
}

describe('scanText on the failures of the npm peers', () => {
  it('finds a 19-digit UnionPay card written straight after Chinese text', () => {
    const f = only('银行卡6222021234567890128，请核对');
    expect(f.type).toBe('CN_BANK_CARD');
    expect(f.value).toBe('6222021234567890128');
    expect(f.column).toBe(4);
    expect(f.masked).not.toContain('021234567890');
  });

  it('finds digits glued to Chinese characters on both sides', () => {
    const f = only('手机13812345678联系');
    expect(f.type).toBe('CN_MOBILE');
    expect([f.start, f.end]).toEqual([2, 13]);
    expect(f.masked).toBe('138****5678');
  });

  it('accepts a lower-case x check character', () => {
    const id = id18('11010519491231002');
    expect(id.endsWith('X')).toBe(true);
    const f = only(`身份证号${id.toLowerCase()}。`);
    expect(f.type).toBe('CN_RESIDENT_ID');
    expect(f.score).toBeGreaterThanOrEqual(0.95);
  });

  it('accepts Hong Kong, Macao and Taiwan residence permits (81/82/83)', () => {
    for (const prefix of ['810000', '820000', '830000']) {
      const id = id18(`${prefix}19980902013`);
      expect(only(`居住证 ${id}`).type).toBe('CN_RESIDENT_ID');
    }
  });

  it('accepts credit codes starting with A, N and Y', () => {
    for (const first of ['A1', 'N2', 'Y1']) {
      const code = credit(`${first}1100006000373`.padEnd(17, '4'));
      const f = only(`统一社会信用代码：${code}`);
      expect(f.type).toBe('CN_USCC');
    }
  });

  it('finds mobiles in the 146, 148 and 149 segments', () => {
    for (const n of ['14612345678', '14812345678', '14912345678'])
      expect(only(`电话${n}`).type).toBe('CN_MOBILE');
  });

  it('finds +86 numbers with spaces as one number, masked whole', () => {
    const f = only('也可拨打+86 139 1234 5678或');
    expect(f.type).toBe('CN_MOBILE');
    expect(f.value).toBe('+86 139 1234 5678');
    expect(f.masked).not.toMatch(/1234/);
  });

  it('finds landlines whose area code and halves are joined differently, or written with +86', () => {
    for (const [text, value] of [
      ['电话：0755-8888 8888', '0755-8888 8888'],
      ['传真 (0755)8888 8888', '(0755)8888 8888'],
      ['座机 021-5888 8888-123', '021-5888 8888-123'],
      ['电话:+86 10 6234 5678', '+86 10 6234 5678'],
      ['Tel +86-755-88888888', '+86-755-88888888'],
    ] as const) {
      const f = only(text);
      expect([f.type, f.value], text).toEqual(['CN_LANDLINE', value]);
    }
    expect(types(scanText('手机 +86 139 1234 5678', opts))).toEqual(['CN_MOBILE']);
    expect(types(scanText('2023 1234 5678', opts))).toEqual([]);
  });

  it('folds full-width digits and keeps offsets on the original text', () => {
    const text = '手机：１３８１２３４５６７８';
    const f = only(text);
    expect(f.type).toBe('CN_MOBILE');
    expect(text.slice(f.start, f.end)).toBe('１３８１２３４５６７８');
    expect(f.column).toBe(4);
  });

  it('does not swallow the Chinese word next to an email', () => {
    const text = '邮箱zhangwei@example.com，谢谢';
    const f = only(text);
    expect(f.type).toBe('EMAIL');
    expect(text.slice(f.start, f.end)).toBe('zhangwei@example.com');
  });
});

describe('hard negatives', () => {
  const negatives = [
    '订单号：202311110000123456，金额 128.00 元',
    '运单号 773012345678901234 已签收',
    '时间戳 1699999999123',
    '号码 10012345678 与 12012345678 不是手机',
    '详见 https://item.example.com/13812345678.html',
    'trace 550e8400-e29b-41d4-a716-446655440000',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '版本 1.2.3',
    '流水号 6222021234567890127',
  ];
  for (const text of negatives) {
    it(`finds nothing in: ${text.slice(0, 24)}`, () => {
      expect(types(scanText(text, opts))).toEqual([]);
    });
  }

  it('rejects an ID whose check character is wrong, even with context', () => {
    const id = id18('11010519491231002');
    const bad = `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;
    expect(types(scanText(`身份证号${bad}`, opts))).toEqual([]);
  });

  it('rejects an ID with an impossible date', () => {
    expect(types(scanText(`身份证号${id18('11010519491331002')}`, opts))).toEqual([]);
  });
});

describe('context', () => {
  it('raises a weak type near its context words and drops it without them', () => {
    expect(types(scanText('护照号码：E12345678', opts))).toEqual(['CN_PASSPORT']);
    expect(types(scanText('型号 E12345678', opts))).toEqual([]);
  });

  it('lowers a mobile-like number preceded by an order-number word', () => {
    expect(types(scanText('订单号13812345678', opts))).toEqual([]);
    expect(types(scanText('联系电话13812345678', opts))).toEqual(['CN_MOBILE']);
  });

  it('takes 出生 right after a date as its cue (1990年1月31日出生), but not 生产 or a date alone', () => {
    for (const text of ['张伟，男，1990年1月31日出生，汉族', '1990-01-31 出生于北京']) {
      const [f] = scanText(text, { ...opts, explain: true }).filter((x) => x.type === 'BIRTH_DATE');
      expect(f?.explanation?.context, text).toEqual({ word: '出生', effect: 'raise' });
      expect(f?.score).toBeGreaterThanOrEqual(0.5);
    }
    expect(types(scanText('2023年1月31日生产，保质期12个月', opts))).toEqual([]);
    expect(types(scanText('1990年1月31日，晴', opts))).toEqual([]);
    expect(types(scanText('订单1990-01-31出生', opts))).toEqual([]);
  });

  it('does not let a name cue before a number speak against a mobile (客户：张女士 13912345678)', () => {
    for (const text of ['客户：张女士 13912345678', '收件人 13912345678', '客户 13912345678']) {
      expect(types(scanText(text, opts)), text).toContain('CN_MOBILE');
    }
    // A document word still does: an 18-digit number after 身份证 that fails MOD 11-2 is no card.
    expect(types(scanText('身份证号 622202123456789012', opts))).toEqual([]);
  });

  it('does not read a form label at the start of a line as a chat speaker (籍贯：, 支行：)', () => {
    expect(types(scanText('籍贯：河南郑州', opts))).toEqual([]);
    expect(types(scanText('支行：朝阳支行', opts))).toEqual([]);
    expect(types(scanText('张伟：明天见', opts))).toEqual(['CN_NAME']);
  });

  it('takes a lone name right before a mobile or ID for a name, but not a word or a phrase tail', () => {
    const names = (text: string) =>
      scanText(text, opts)
        .filter((f) => f.type === 'CN_NAME')
        .map((f) => f.value);
    expect(names('收货地址：武汉市洪山区团结北街799号，崔思，14744968601')).toEqual(['崔思']);
    expect(names(`报名信息：汤昌溪 ${id18('21010119850516444')}`)).toEqual(['汤昌溪']);
    // Also when only names are asked for: the number is found, used, and left out.
    const onlyNames = scanText('地址：北京市朝阳区建国路88号，崔思，14744968601', {
      ...opts,
      types: ['CN_NAME'],
    });
    expect(onlyNames.map((f) => [f.type, f.value])).toEqual([['CN_NAME', '崔思']]);
    for (const text of [
      '已发货，13912345678',
      '请联系王经理，13912345678',
      '周一，13912345678',
      '王国 13912345678',
    ]) {
      expect(names(text), text).toEqual([]);
    }
  });

  it('explains the score without the value', () => {
    const [f] = scanText('手机号 13812345678', { ...opts, explain: true, showValues: false });
    expect(f?.explanation?.context).toEqual({ word: '手机号', effect: 'raise' });
    expect(JSON.stringify(f)).not.toContain('13812345678');
  });
});

describe('fields', () => {
  it('names CSV columns and trusts a column header', () => {
    const rng = mulberry32(7);
    const id = residentId(rng);
    const csv = `订单号,证件号码,金额\r\n202311110000123456,${id},12.00\r\n`;
    const found = scanText(csv, { ...opts, format: 'csv' });
    expect(found.map((f) => [f.type, f.field, f.line, f.column])).toEqual([
      ['CN_RESIDENT_ID', '证件号码', 2, 20],
    ]);
  });

  it('names JSON keys', () => {
    const found = scanText('{"uid":"u1","mobile":"13812345678","msg":"ok"}\n', { ...opts, format: 'jsonl' });
    expect(found.map((f) => [f.type, f.field])).toEqual([['CN_MOBILE', 'mobile']]);
  });

  it('names SQL columns from CREATE TABLE for INSERT without a column list', () => {
    const rng = mulberry32(3);
    const id = residentId(rng);
    const sql = `CREATE TABLE \`users\` (\n  \`id\` int NOT NULL,\n  \`phone\` varchar(20),\n  \`id_no\` char(18)\n);\nINSERT INTO \`users\` VALUES (1,'13812345678','${id}'),(2,'13912345678','x');\n`;
    const found = scanText(sql, { ...opts, format: 'sql' });
    expect(found.map((f) => [f.type, f.field])).toEqual([
      ['CN_MOBILE', 'phone'],
      ['CN_RESIDENT_ID', 'id_no'],
      ['CN_MOBILE', 'phone'],
    ]);
  });

  it('names the keys of a JSON document logged as a string, escaped once or twice', () => {
    const id = id18('44142719730920939');
    const once =
      String.raw`{"req":"{\"name\":\"郑勤琪\",\"doc_no\":\"` +
      id +
      String.raw`\",\"phone\":\"18043175681\"}"}`;
    const twice = once.replaceAll('\\"', '\\\\\\"');
    expect(twice).toContain('\\\\\\"name');
    for (const line of [once, twice]) {
      const found = scanText(line, { ...opts, format: 'jsonl' });
      expect(
        found.map((f) => [f.type, f.value, f.field]),
        line,
      ).toEqual([
        ['CN_NAME', '郑勤琪', 'name'],
        ['CN_RESIDENT_ID', id, 'doc_no'],
        ['CN_MOBILE', '18043175681', 'phone'],
      ]);
    }
  });

  it("reads a column's COMMENT when its name says nothing (pinyin and English names of Chinese schemas)", () => {
    const sql =
      "CREATE TABLE `t_merchant` (\n  `id` bigint NOT NULL,\n  `legal_person` varchar(32) NOT NULL COMMENT '法人',\n" +
      "  `sjhm` varchar(20) COMMENT '手机号码',\n  `bz` varchar(20) COMMENT '订单号'\n) ENGINE=InnoDB;\n" +
      "INSERT INTO `t_merchant` VALUES (1,'薄祥莉','13912345678','13812345678');\n";
    const found = scanText(sql, { ...opts, format: 'sql' });
    expect(found.map((f) => [f.type, f.value, f.field, f.score])).toEqual([
      ['CN_NAME', '薄祥莉', 'legal_person', 0.8],
      ['CN_MOBILE', '13912345678', 'sjhm', 0.92],
    ]);
  });
});

describe('streaming', () => {
  it('gives the same findings whatever the chunking', async () => {
    const rng = mulberry32(11);
    const lines: string[] = [];
    for (let i = 0; i < 200; i++)
      lines.push(
        `第${i}行 身份证 ${residentId(rng)}，手机１３９１２３４５６７８，卡号 6222021234567890128\r`,
      );
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    const whole = scanBuffer(bytes, opts);
    expect(whole.length).toBe(600);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 }),
        async (cuts) => {
          const chunks: Uint8Array[] = [];
          let at = 0;
          for (const c of cuts) {
            if (at >= bytes.length) break;
            chunks.push(bytes.subarray(at, at + c));
            at += c;
          }
          if (at < bytes.length) chunks.push(bytes.subarray(at));
          const streamed: Finding[] = [];
          for await (const f of scanStream(chunks, { ...opts, regionSize: 4096, maxLine: 8192 }))
            streamed.push(f);
          expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('scans a single line longer than the region limit, with correct columns', async () => {
    const rng = mulberry32(5);
    const ids = Array.from({ length: 50 }, () => residentId(rng));
    const filler = '数据'.repeat(20_000);
    const text = ids.map((id) => `${filler} 身份证${id}`).join(' ');
    const chunks = [Buffer.from(text, 'utf8')];
    const streamed: Finding[] = [];
    for await (const f of scanStream(chunks, { ...opts, regionSize: 64 << 10, maxLine: 128 << 10 }))
      streamed.push(f);
    expect(streamed.map((f) => f.value)).toEqual(ids);
    const firstColumn = 40_000 + 1 + 3 + 1;
    expect(streamed[0]!.column).toBe(firstColumn);
    expect(streamed[1]!.column).toBe(firstColumn + 18 + 1 + 40_000 + 1 + 3);
  });
});

describe('streaming a long line of \\u escapes', () => {
  it('finds the same values whole when the line is cut into regions', async () => {
    const record = String.raw`{"name":"\u5f20\u4f1f","note":"\u624b\u673a13912345678"},`;
    const line = `[${record.repeat(6000)}]\n`;
    const whole = scanText(line, { ...opts, format: 'json' });
    // Cut the input inside an escape (`…\u5f` | `20…`) past maxLine, so the region must end early.
    const bytes = Buffer.from(line, 'utf8');
    let at = bytes.indexOf('\\u5f20', 130 << 10) + 4;
    const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
    at = 0;
    const streamed: Finding[] = [];
    for await (const f of scanStream(chunks, {
      ...opts,
      format: 'json',
      regionSize: 64 << 10,
      maxLine: 128 << 10,
    }))
      streamed.push(f);
    const of = (found: Finding[], type: string) =>
      found.filter((f) => f.type === type).map((f) => [f.value, f.column]);
    expect(of(whole, 'CN_MOBILE')).toHaveLength(6000);
    expect(of(streamed, 'CN_MOBILE')).toEqual(of(whole, 'CN_MOBILE'));
    // Every name decoded whole; the one right after the cut may lose its key (in the region before).
    const names = of(streamed, 'CN_NAME');
    expect(names.every(([v]) => v === '张伟')).toBe(true);
    expect(names.length).toBeGreaterThanOrEqual(5999);
  });
});

describe('property: generated values are found in any surrounding', () => {
  it('finds every generated resident ID and credit code between random CJK text', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom('身份证', '证件号码：', '公民身份号码 ', 'ID: '),
        fc.constantFrom('', '，', '。', ' ', '号'),
        (seed, before, after) => {
          const rng = mulberry32(seed);
          const id = residentId(rng);
          const code = uscc(rng);
          const text = `${before}${id}${after}信用代码${code}${after}`;
          const found = scanText(text, opts);
          expect(found.map((f) => f.value)).toEqual([id, code]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: any input, in any format, scans without throwing', () => {
  // The pieces the lexer, the field readers and the escape decoder react to, in any order.
  const piece = fc.constantFrom(
    '\\',
    '\\u',
    '\\u5f20',
    '\\ud83d',
    '\\"',
    '"',
    "'",
    ':',
    '：',
    '，',
    ',',
    ' ',
    '\n',
    '\r\n',
    '\t',
    '{',
    '}',
    '(',
    ')',
    '-',
    '+86',
    '139',
    '1234',
    '5678',
    '0755',
    'X',
    '张',
    '伟',
    '姓名',
    '地址',
    '北京市',
    '路',
    '88',
    '号',
    '出生',
    '１２３',
    'name',
    'COMMENT',
    'INSERT INTO t VALUES (',
    '😀',
  );
  it('never throws, and every finding lies inside the text with 1-based line and column', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.constantFrom<SourceFormat>('text', 'json', 'jsonl', 'csv', 'sql'),
        (parts, format) => {
          const text = parts.join('');
          const found = scanText(text, { ...opts, format });
          for (const f of found) {
            expect(f.start).toBeGreaterThanOrEqual(0);
            expect(f.end).toBeLessThanOrEqual(text.length);
            expect(f.start).toBeLessThan(f.end);
            expect(f.line).toBeGreaterThanOrEqual(1);
            expect(f.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('names after the keys of log lines', () => {
  it('reads user= owner= xm= as name cues, but not before accounts and roles', () => {
    const names = (t: string) => scanText(t, { showValues: true }).filter((f) => f.type === 'CN_NAME');
    expect(names('2024-05-01 INFO user=张三 phone=13912345678').map((f) => f.value)).toEqual(['张三']);
    expect(names('owner=李明 room=3').map((f) => f.value)).toEqual(['李明']);
    expect(names('GET /q?xm=王芳&lxr=赵敏').map((f) => f.value)).toEqual(['王芳', '赵敏']);
    for (const t of [
      'user=管理员 login ok',
      'user=游客',
      'user=系统 task',
      'filename=张三.txt',
      'user=测试',
    ]) {
      expect(names(t)).toEqual([]);
    }
  });
});
