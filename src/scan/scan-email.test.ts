import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFileFindings } from '../../test/support/scan-file.ts';
import { mobile } from '../../test/synth/contacts.ts';
import { encodeGbk } from '../../test/synth/gbk.ts';
import { residentId } from '../../test/synth/ids.ts';
import { mail } from '../../test/synth/mail.ts';
import { msg } from '../../test/synth/msg.ts';
import { name } from '../../test/synth/names.ts';
import { xlsx } from '../../test/synth/office.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { looksLikeEmail, looksLikeMbox } from './scan-email.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-eml-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rng = mulberry32(25);
const [sender, boss, client] = [name(rng), name(rng), name(rng)];
const [id, phone, phone2] = [
  residentId(rng),
  mobile(rng, { format: 'plain' }),
  mobile(rng, { format: 'plain' }),
];

function message(): string {
  const enc = new TextEncoder();
  return mail({
    from: [sender, 'sender@example.cn'],
    to: [boss, 'boss@example.cn'],
    subject: '客户资料',
    body: `王总：\n客户${client}的身份证号是${id}，电话${phone}。\n`,
    attachments: [
      {
        name: '客户名单.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        data: xlsx([
          {
            name: '名单',
            rows: [
              ['姓名', '身份证号'],
              [client, id],
            ],
          },
        ]),
      },
      {
        name: 'data.zip',
        type: 'application/zip',
        data: zipSync({ 'notes.txt': enc.encode(`手机 ${phone2}\n`) }),
      },
    ],
  });
}

describe('e-mail messages', () => {
  it('are told by their headers', () => {
    expect(looksLikeEmail(message(), 'x.txt')).toBe(true);
    expect(looksLikeEmail('From: a\r\nSubject: b\r\n\r\nhi', 'mail.eml')).toBe(true);
    expect(looksLikeEmail('From: someone said hello\nand more text', 'notes.txt')).toBe(false);
  });

  it('read their decoded headers, body and attachments, each named in part', async () => {
    const path = join(dir, 'mail.eml');
    await writeFile(path, message());
    const { findings, summary } = await scanFileFindings(path);
    expect(summary.format).toBe('eml');
    expect(findings.map((f) => [f.part, f.type, f.value])).toEqual([
      ['headers', 'CN_NAME', sender],
      ['headers', 'EMAIL', 'sender@example.cn'],
      ['headers', 'CN_NAME', boss],
      ['headers', 'EMAIL', 'boss@example.cn'],
      ['body', 'CN_NAME', client],
      ['body', 'CN_RESIDENT_ID', id],
      ['body', 'CN_MOBILE', phone],
      ['客户名单.xlsx!名单', 'CN_NAME', client],
      ['客户名单.xlsx!名单', 'CN_RESIDENT_ID', id],
      ['data.zip!notes.txt', 'CN_MOBILE', phone2],
    ]);
  });

  it('inside a zip archive too', async () => {
    const path = join(dir, 'mails.zip');
    await writeFile(path, zipSync({ '2024/客户资料.eml': new TextEncoder().encode(message()) }));
    const { findings } = await scanFileFindings(path);
    expect(findings.find((f) => f.type === 'CN_RESIDENT_ID')).toMatchObject({
      part: '2024/客户资料.eml!body',
    });
  });
});

describe('Outlook messages', () => {
  it('read sender, recipients, body (UTF-16 or GBK) and attachments, forwarded messages too', async () => {
    const enc = new TextEncoder();
    const bytes = msg({
      subject: '转发：客户资料',
      from: [sender, 'sender@example.cn'],
      to: [[boss, 'boss@example.cn']],
      body: `王总：客户${client}的身份证号是${id}。`,
      gbkBody: true,
      attachments: [
        { name: '名单.csv', data: encodeGbk(`姓名,手机\r\n${client},${phone}\r\n`) },
        { name: 'data.zip', data: zipSync({ 'a.txt': enc.encode(`手机 ${phone2}\n`) }) },
        {
          name: '原邮件',
          message: { subject: '资料', from: [client, 'c@example.cn'], to: [], body: `我的电话是${phone}` },
        },
      ],
    });
    const path = join(dir, 'fwd.msg');
    await writeFile(path, bytes);
    const { findings, summary } = await scanFileFindings(path);
    expect(summary.format).toBe('msg');
    expect(findings.map((f) => [f.part, f.type, f.value])).toEqual([
      ['headers', 'CN_NAME', sender],
      ['headers', 'EMAIL', 'sender@example.cn'],
      ['headers', 'CN_NAME', boss],
      ['headers', 'EMAIL', 'boss@example.cn'],
      ['body', 'CN_NAME', client],
      ['body', 'CN_RESIDENT_ID', id],
      ['名单.csv', 'CN_NAME', client],
      ['名单.csv', 'CN_MOBILE', phone],
      ['data.zip!a.txt', 'CN_MOBILE', phone2],
      ['原邮件!headers', 'CN_NAME', client],
      ['原邮件!headers', 'EMAIL', 'c@example.cn'],
      ['原邮件!body', 'CN_MOBILE', phone],
    ]);
  });
});

describe('mbox files', () => {
  it('read message by message, numbered in part, >From escapes undone', async () => {
    const one = mail({
      from: [sender, 's@example.cn'],
      to: [boss, 'b@example.cn'],
      subject: '一',
      body: `客户${client}，电话${phone}\n`,
    });
    const two = mail({
      from: [boss, 'b@example.cn'],
      to: [sender, 's@example.cn'],
      subject: '二',
      body: `From here on: 身份证号 ${id}\n`,
    });
    const mbox = [
      'From sender@example.cn Mon Jan  1 10:00:00 2024',
      one.replace(/\r\n/g, '\n'),
      'From boss@example.cn Tue Jan  2 10:00:00 2024',
      two.replace(/\r\n/g, '\n'),
      'From x@example.cn Wed Jan  3 10:00:00 2024',
      `From: a@example.cn\nSubject: plain\n\n>From the archive: 手机 ${phone2}\n`,
    ].join('\n');
    expect(looksLikeMbox(mbox, 'inbox')).toBe(true);
    expect(looksLikeMbox(one, 'mail.eml')).toBe(false);
    const path = join(dir, 'Inbox.mbox');
    await writeFile(path, mbox);
    const { findings, summary } = await scanFileFindings(path);
    expect(summary).toMatchObject({ format: 'mbox' });
    expect(findings.filter((f) => f.type !== 'EMAIL').map((f) => [f.part, f.type, f.value])).toEqual([
      ['#1!headers', 'CN_NAME', sender],
      ['#1!headers', 'CN_NAME', boss],
      ['#1!body', 'CN_NAME', client],
      ['#1!body', 'CN_MOBILE', phone],
      ['#2!headers', 'CN_NAME', boss],
      ['#2!headers', 'CN_NAME', sender],
      ['#2!body', 'CN_RESIDENT_ID', id],
      ['#3!body', 'CN_MOBILE', phone2],
    ]);
  });
});
