import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { name, nameLine, nonNameLine, nonNameWord, translitName } from '../../test/synth/names.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import {
  BARE_SURNAME_SCORE,
  cnName,
  findNames,
  NAME_CUES_AFTER,
  NAME_CUES_BEFORE,
  NAME_TRIGGERS,
  surnameLength,
} from './cn-name.ts';
import { COMPOUND_SURNAMES, SINGLE_SURNAMES, TIER1_SURNAMES } from './data/surnames.ts';
import { foldWidth } from './text.ts';

/** The substrings `findNames` reports for `text`. */
function found(text: string, options?: { fieldIsName?: boolean }): string[] {
  return findNames(text, options).map((s) => text.slice(s.start, s.end));
}

describe('surname data', () => {
  it('has about 500 single surnames, 100 in tier 1, and the common compound surnames', () => {
    expect(SINGLE_SURNAMES.size).toBeGreaterThan(450);
    expect(TIER1_SURNAMES.length).toBeGreaterThanOrEqual(100);
    for (const s of '欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 夏侯 令狐 端木 申屠 独孤 南宫 西门 司徒 司空 轩辕 钟离 呼延 澹台 百里 东郭 万俟 闻人 赫连 太史 鲜于 闾丘 濮阳 淳于 单于 第五 拓跋'.split(
      ' ',
    )) {
      expect(COMPOUND_SURNAMES.has(s), s).toBe(true);
    }
  });
});

describe('cnName.validate', () => {
  it.each([
    ['张伟', 'single'],
    ['李娜', 'single'],
    ['王秀英', 'single'],
    ['欧阳娜娜', 'compound'],
    ['司马光明', 'compound'],
    ['诸葛亮亮', 'compound'],
    ['上官婉儿', 'compound'],
    ['买买提·艾力', 'transliterated'],
    ['阿不都·热合曼', 'transliterated'],
    ['王国庆', 'single'],
  ])('accepts %s (%s)', (value, kind) => {
    const v = cnName.validate(value);
    expect(v.valid).toBe(true);
    expect(v.kind).toBe(kind);
    expect(v.score).toBeGreaterThanOrEqual(0.3);
    expect(v.score).toBeLessThanOrEqual(0.6);
  });

  it.each(
    '王国 高速 常规 金额 张开 高兴 方法 周末 何时 黄金 白色 马上 万一 于是 林业 田地 江河 陈述 程序 曾经 和平 石头 钱包 公司 方面 周围 黄色 白天 万元 安全 成功 江湖 张先生 李老师 王经理 北京 江西 成都'.split(
      ' ',
    ),
  )('rejects the common word %s', (w) => {
    const v = cnName.validate(w);
    expect(v.valid).toBe(false);
    expect(v.reason).toBeDefined();
    expect(v.reason).not.toContain(w);
  });

  it.each([
    ['', 'EMPTY'],
    ['张', 'BAD_LENGTH'],
    ['欧阳', 'SURNAME_ONLY'],
    ['张伟伟伟伟', 'BAD_LENGTH'],
    ['Zhang Wei', 'BAD_FORMAT'],
    ['张3', 'BAD_FORMAT'],
    ['伟张', 'NO_SURNAME'],
    ['买买提·', 'BAD_FORMAT'],
  ])('rejects %j with %s', (value, reason) => {
    expect(cnName.validate(value).reason).toBe(reason);
  });

  it('gives more evidence to a frequent surname with common given-name characters', () => {
    expect(cnName.validate('王秀英').score).toBeGreaterThan(cnName.validate('昝邴').score);
    expect(cnName.validate('王国庆').score).toBeLessThan(cnName.validate('王秀英').score); // starts with 王国
  });

  it('validates every generated name (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.boolean(), (seed, compound) => {
        const rng = mulberry32(seed);
        return cnName.validate(name(rng, { compound })).valid && cnName.validate(translitName(rng)).valid;
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every generated stop word (fast-check)', () => {
    fc.assert(fc.property(fc.integer(), (seed) => !cnName.validate(nonNameWord(mulberry32(seed))).valid));
  });
});

describe('cnName.normalise', () => {
  it('trims, folds full-width forms, drops spaces and unifies middle dots', () => {
    expect(cnName.normalise(' 张　伟 ')).toBe('张伟');
    expect(cnName.normalise('买买提•艾力')).toBe('买买提·艾力');
    expect(cnName.normalise('买买提・艾力')).toBe('买买提·艾力');
    expect(cnName.normalise('买买提．艾力')).toBe('买买提·艾力');
    expect(cnName.validate(' 王 秀 英 ').valid).toBe(true);
  });
});

describe('cnName.mask', () => {
  it('keeps the first character like Hutool, or the whole surname on request', () => {
    expect(cnName.mask('张伟')).toBe('张*');
    expect(cnName.mask('王秀英')).toBe('王**');
    expect(cnName.mask('欧阳娜娜')).toBe('欧***');
    expect(cnName.mask('欧阳娜娜', { keepStart: surnameLength('欧阳娜娜') })).toBe('欧阳**');
    expect(cnName.mask('张伟', { keepStart: surnameLength('张伟') })).toBe('张*');
    expect(cnName.mask('买买提·艾力')).toBe('买*****');
    expect(cnName.mask('张伟', { char: '×' })).toBe('张×');
  });

  it('preserves length in code points (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const n = name(mulberry32(seed));
        return Array.from(cnName.mask(n)).length === Array.from(n).length;
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => Array.from(cnName.mask(s)).length === Array.from(s).length));
  });

  it('reports surname lengths', () => {
    expect(surnameLength('欧阳娜娜')).toBe(2);
    expect(surnameLength('张伟')).toBe(1);
    expect(surnameLength('买买提·艾力')).toBe(0);
    expect(surnameLength('hello')).toBe(0);
  });
});

describe('findNames: recall', () => {
  it.each<[string, string[]]>([
    ['收件人：张伟', ['张伟']],
    ['"收件人":"李娜"', ['李娜']],
    ['{"姓名": "王秀英", "电话": "13800138000"}', ['王秀英']],
    ['我叫王秀英', ['王秀英']],
    ['你好，我是李娜', ['李娜']],
    ['联系人李娜电话13812345678', ['李娜']],
    ['客户张伟住在北京', ['张伟']],
    ['客户王秀英说', ['王秀英']],
    ['客户李娜明天到', ['李娜']],
    ['收件人张伟北京市朝阳区', ['张伟']],
    ['入住人：欧阳娜娜', ['欧阳娜娜']],
    ['项目负责人：陈静，电话13912345678', ['陈静']],
    ['收款人 李娜 6222021234567890128', ['李娜']],
    ['户名：张伟', ['张伟']],
    ['入住人：欧阳娜娜 房号：1208', ['欧阳娜娜']],
    ['持卡人：司马光明', ['司马光明']],
    ['收件人: 诸葛亮亮', ['诸葛亮亮']],
    ['紧急联系人 王秀英 13912345678', ['王秀英']],
    ['紧急联系人：王秀英（母亲）13812345678', ['王秀英']],
    ['患者姓名：李娜 性别：女', ['李娜']],
    ['姓名 | 张伟 | 性别 | 男', ['张伟']],
    ['姓名是张伟', ['张伟']],
    ['制表人：王秀英　审核人：陈静', ['王秀英', '陈静']],
    ['作者：李娜', ['李娜']],
    ['联系人为李娜', ['李娜']],
    ['法人代表张伟', ['张伟']],
    ['学生张三丰的家长', ['张三丰']],
    ['李娜和张伟去了', []], // no cue: left alone
    ['入住人：买买提·艾力，房号301', ['买买提·艾力']],
    ['户主：阿卜杜拉·买买提', ['阿卜杜拉·买买提']],
    ['<name>张伟</name>', ['张伟']],
    ['customer=刘洋&mobile=13800138000', ['刘洋']],
    ['"consignee": "王秀英"', ['王秀英']],
    ['ＮＡＭＥ：李娜', ['李娜']],
    ['王秀英女士', ['王秀英']],
    ['请王秀英女士到3号窗口', ['王秀英']],
    ['感谢张伟先生', ['张伟']],
    ['张先生您好', ['张']],
    ['感谢王先生', ['王']],
    ['我是王先生', ['王']],
    ['欧阳女士，您好', ['欧阳']],
    ['王老师说明天考试', ['王']],
    ['刘经理在吗', ['刘']],
    ['王总经理', ['王']],
    ['高总您好', ['高']],
    ['收件人：覃兰和，电话13800000000', ['覃兰和']],
    ['我是李娜，住在杭州市西湖区文三路90号', ['李娜']],
    ['联系人:李娜,电话:13912345678', ['李娜']],
  ])('%s', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('scores cue-located names 0.75–0.9 and bare surnames under the default threshold', () => {
    const [full] = findNames('收件人：王秀英');
    expect(full!.score).toBeGreaterThanOrEqual(0.75);
    expect(full!.score).toBeLessThanOrEqual(0.9);
    expect(full!.cue).toBe('收件人');
    const [bare] = findNames('张先生您好');
    expect(bare).toEqual({ start: 0, end: 1, score: BARE_SURNAME_SCORE, cue: '先生' });
    expect(BARE_SURNAME_SCORE).toBeLessThan(0.5);
  });

  it('does not take a word before a title for a name (谢谢老板, 麻烦李老师) but keeps 王国维先生', () => {
    expect(found('谢谢老板，下次再来')).toEqual([]);
    expect(found('谢谢师傅')).toEqual([]);
    expect(found('麻烦李老师看一下').filter((n) => n.length > 1)).toEqual([]);
    expect(found('王国维先生的书')).toEqual(['王国维']);
  });

  it('keeps a name that starts like a word and ends in a common surname when its given name reads as one (王国强先生)', () => {
    expect(found('王国强先生的手机是多少')).toEqual(['王国强']);
    expect(found('谢谢王总').filter((n) => n.length > 1)).toEqual([]);
    expect(found('麻烦李老师看一下').filter((n) => n.length > 1)).toEqual([]);
  });

  it('reports UTF-16 offsets into the original text, also after astral characters', () => {
    const text = '😀𠀋 收件人：张伟，谢谢';
    const [s] = findNames(text);
    expect(text.slice(s!.start, s!.end)).toBe('张伟');
    // A given name with a character outside the BMP (two UTF-16 units).
    expect(found('姓名：王𠀋，男')).toEqual(['王𠀋']);
    expect(cnName.mask('王𠀋')).toBe('王*');
  });
});

describe('findNames: precision', () => {
  it.each([
    '全国粮食总产量达到18817.4亿',
    '开户行：浦发银行',
    '付款人：支付宝',
    '户名：中国银行',
    '负责人：待定',
    '王国的历史很长',
    '高速公路上堵车',
    '常规操作',
    '金额: 100元',
    '张开嘴',
    '高兴地说',
    '方法很重要',
    '周末去公园',
    '何时出发',
    '黄金价格上涨',
    '白色的车',
    '马上到',
    '万一下雨',
    '于是我们去了',
    '林业局',
    '田地里',
    '江河湖海',
    '陈述事实',
    '程序员',
    '曾经的梦想',
    '和平年代',
    '石头剪刀布',
    '钱包丢了',
    '公司地址',
    '客户反映金额不对，请核实',
    '我是王国的公民',
    '我是高速公路管理处的',
    '我是江西人',
    '我是学生',
    '本人承诺以上信息属实',
    '历史老师布置了作业',
    '班主任',
    '各位先生女士',
    '他总是迟到',
    '总共20人',
    '周总结会议',
    '请联系客户经理',
    '联系人：暂无',
    '姓名：未填写',
    'name: 高速公路设计',
    'username=wangwei',
    'user_name: zhangwei',
    '客户端下载',
    '学生会主席',
    '员工食堂',
  ])('%s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('findNames: fieldIsName', () => {
  it.each<[string, string[]]>([
    ['  欧阳娜娜 ', ['欧阳娜娜']],
    ['"张伟"', ['张伟']],
    ['买买提·艾力', ['买买提·艾力']],
    ['高速公路', []],
    ['王国', []],
    ['N/A', []],
  ])('%j', (text, expected) => {
    expect(found(text, { fieldIsName: true })).toEqual(expected);
    for (const s of findNames(text, { fieldIsName: true })) expect(s.score).toBe(0.8);
  });
});

describe('findNames on generated lines', () => {
  it('finds names in labelled lines and none in hard negatives (precision and recall ≥ 0.97)', () => {
    const rng = mulberry32(20_260_101);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < 1000; i++) {
      const line = nameLine(rng);
      const spans = findNames(line.text);
      const gold = line.spans[0]!;
      const hit = spans.filter((s) => s.start === gold.start && s.end === gold.end).length;
      tp += hit > 0 ? 1 : 0;
      fn += hit > 0 ? 0 : 1;
      fp += spans.length - hit;
    }
    for (let i = 0; i < 1000; i++) fp += findNames(nonNameLine(rng)).length;
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.97);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.97);
  });

  it('only reports names on lines that contain a trigger', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = mulberry32(seed);
        const text = rng() < 0.5 ? nameLine(rng).text : nonNameLine(rng);
        const lower = text.toLowerCase();
        return findNames(text).length === 0 || NAME_TRIGGERS.some((t) => lower.includes(t));
      }),
      { numRuns: 500 },
    );
  });

  it('exports its cue lists', () => {
    expect(NAME_CUES_BEFORE).toContain('收件人');
    expect(NAME_CUES_AFTER).toContain('先生');
  });
});

describe('findNames: how the text is read', () => {
  /** Full-width forms of some of the ASCII characters of `text` (what `foldWidth` undoes). */
  function widen(text: string, rng: () => number): string {
    let out = '';
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if (c >= 0x21 && c <= 0x7e && rng() < 0.5) out += String.fromCharCode(c + 0xfee0);
      else if (c === 0x20 && rng() < 0.5) out += '\u3000';
      else out += ch;
    }
    return out;
  }

  it('reads full-width forms as the ASCII characters they fold to', () => {
    expect(findNames('ｎａｍｅ：张伟')).toEqual([{ start: 5, end: 7, score: 0.85, cue: 'name' }]);
    expect(findNames('“ＮＡＭＥ”＝“李娜”')).toEqual(findNames('“NAME”=“李娜”'));
    expect(findNames('入住人：买买提．艾力')).toEqual(findNames('入住人:买买提.艾力'));
  });

  it('gives the same spans for a text and for its folded form', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = mulberry32(seed);
        const text = widen(rng() < 0.7 ? nameLine(rng).text : nonNameLine(rng), rng);
        expect(findNames(text)).toEqual(findNames(foldWidth(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answers whatever it was given before', () => {
    const rng = mulberry32(11);
    const texts = [
      `${'会议纪要，'.repeat(80)}收件人：王秀英`,
      '收件人：张',
      '我叫𠀀伟，你好',
      ...Array.from({ length: 40 }, () => nameLine(rng).text),
    ];
    const run = (list: readonly string[]) => new Map(list.map((t) => [t, JSON.stringify(findNames(t))]));
    const forward = run(texts);
    const backward = run([...texts].reverse());
    for (const t of texts) expect(backward.get(t), t).toBe(forward.get(t));
  });
});
