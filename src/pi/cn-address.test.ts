import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { address, addressLine, nonAddressPhrase } from '../../test/synth/names.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { ADDRESS_TRIGGERS, addressComponents, cnAddress, findAddresses } from './cn-address.ts';
import { foldWidth } from './text.ts';

function found(text: string, options?: { fieldIsAddress?: boolean }): string[] {
  return findAddresses(text, options).map((s) => text.slice(s.start, s.end));
}

function kinds(value: string): string[] {
  return addressComponents(value).map((c) => `${c.kind}:${value.slice(c.start, c.end)}`);
}

describe('addressComponents', () => {
  it('reads every level of a full address', () => {
    expect(kinds('北京市朝阳区建国路88号院3号楼2单元501室')).toEqual([
      'province:北京市',
      'district:朝阳区',
      'road:建国路',
      'number:88号院',
      'building:3号楼',
      'unit:2单元',
      'room:501室',
    ]);
    expect(kinds('广东省深圳市南山区科技园南区深南大道10000号腾讯大厦')).toEqual([
      'province:广东省',
      'city:深圳市',
      'district:南山区',
      'community:科技园南区',
      'road:深南大道',
      'number:10000号',
      'community:腾讯大厦',
    ]);
    expect(kinds('江苏省苏州市昆山市花桥镇')).toEqual([
      'province:江苏省',
      'city:苏州市',
      'district:昆山市',
      'town:花桥镇',
    ]);
    expect(kinds('阳光小区3栋2单元501')).toEqual([
      'community:阳光小区',
      'building:3栋',
      'unit:2单元',
      'room:501',
    ]);
    expect(kinds('新疆维吾尔自治区乌鲁木齐市天山区')).toEqual([
      'province:新疆维吾尔自治区',
      'city:乌鲁木齐市',
      'district:天山区',
    ]);
    expect(kinds('广东深圳市南山区')).toEqual(['province:广东', 'city:深圳市', 'district:南山区']);
    expect(kinds('延边朝鲜族自治州延吉市')).toEqual(['city:延边朝鲜族自治州', 'district:延吉市']);
  });

  it('reads Chinese numerals, full-width digits, letters and dashed numbers', () => {
    expect(kinds('幸福家园十八号楼三单元')).toEqual([
      'community:幸福家园',
      'building:十八号楼',
      'unit:三单元',
    ]);
    expect(kinds('建国路１２３号')).toEqual(['road:建国路', 'number:１２３号']);
    expect(kinds('金地华庭A座1201')).toEqual(['community:金地华庭', 'building:A座', 'room:1201']);
    expect(kinds('阳光花园3-2-501')).toEqual(['community:阳光花园', 'room:3-2-501']);
  });
});

describe('cnAddress.validate', () => {
  it.each<[string, number]>([
    ['北京市朝阳区建国路88号院3号楼2单元501室', 0.9],
    ['北京市海淀区马连洼街道289号', 0.8],
    ['上海市浦东新区张江镇祖冲之路2288弄5号1201室', 0.8],
    ['浙江省杭州市西湖区文三路90号东部软件园1号楼', 0.9],
    ['四川省成都市武侯区人民南路三段17号', 0.8],
    ['河北省保定市竞秀区朝阳北大街１２３号', 0.8],
    ['中国北京市东城区东华门街道南池子大街10号', 0.8],
    ['朝阳区建国路88号', 0.8],
    ['河南省周口市沈丘县付井镇付井村3组', 0.8],
    ['广州市天河区天河路385号太古汇1座2001', 0.8],
  ])('accepts %s with score ≥ %d', (value, min) => {
    const v = cnAddress.validate(value);
    expect(v.valid).toBe(true);
    expect(v.score).toBeGreaterThanOrEqual(min);
    expect(v.kind).toBe('detailed');
  });

  it('scores two components 0.5 and admin-only chains as areas', () => {
    expect(cnAddress.validate('北京市朝阳区')).toMatchObject({ valid: true, score: 0.5, kind: 'area' });
    expect(cnAddress.validate('江苏省南京市鼓楼区')).toMatchObject({ valid: true, score: 0.6, kind: 'area' });
    expect(cnAddress.validate('人民路88号')).toMatchObject({ valid: true, score: 0.55 });
  });

  it.each<[string, string]>([
    ['', 'EMPTY'],
    ['北京市', 'TOO_COARSE'],
    ['广东省', 'TOO_COARSE'],
    ['北京', 'NOT_ADDRESS'],
    ['我去北京出差', 'NOT_ADDRESS'],
    ['路由器', 'NOT_ADDRESS'],
    ['型号123', 'NOT_ADDRESS'],
    ['北京市朝阳区，这里是一段很长的与地址无关的说明文字', 'UNPARSED_TEXT'],
  ])('rejects %j with %s', (value, reason) => {
    const v = cnAddress.validate(value);
    expect(v.valid).toBe(false);
    expect(v.reason).toBe(reason);
  });

  it('validates every generated address with a fine-grained score (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.boolean(), (seed, withProvince) => {
        const v = cnAddress.validate(address(mulberry32(seed), { withProvince }));
        return v.valid && v.score >= 0.8;
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cnAddress.normalise', () => {
  it('folds full-width forms, trims and collapses spaces', () => {
    expect(cnAddress.normalise('  北京市　朝阳区   建国路８８号 ')).toBe('北京市 朝阳区 建国路88号');
  });
});

describe('cnAddress.mask', () => {
  it('keeps the administrative part up to the district', () => {
    expect(cnAddress.mask('北京市朝阳区建国路88号院3号楼2单元501室')).toBe('北京市朝阳区*****************');
    expect(cnAddress.mask('浙江省杭州市西湖区文三路90号')).toBe('浙江省杭州市西湖区******');
  });

  it("falls back to Hutool's last-8 rule without a district", () => {
    expect(cnAddress.mask('阳光小区3栋2单元501室')).toBe('阳光小区3********');
    expect(cnAddress.mask('北京市朝阳区')).toBe('******');
    expect(cnAddress.mask('某地')).toBe('**');
  });

  it('honours keepStart/keepEnd', () => {
    expect(cnAddress.mask('北京市朝阳区建国路88号', { keepStart: 3, keepEnd: 1 })).toBe('北京市********号');
  });

  it('preserves length in code points (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = address(mulberry32(seed));
        const m = cnAddress.mask(a);
        return Array.from(m).length === Array.from(a).length && m !== a;
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => Array.from(cnAddress.mask(s)).length === Array.from(s).length));
  });
});

describe('findAddresses: recall', () => {
  it.each<[string, string[]]>([
    [
      '收货地址：北京市朝阳区建国路88号院3号楼2单元501室，电话13800138000',
      ['北京市朝阳区建国路88号院3号楼2单元501室'],
    ],
    ['客户张伟住在北京市朝阳区建国路88号', ['北京市朝阳区建国路88号']],
    ['寄往广东省深圳市南山区科技园南区1栋101|张伟', ['广东省深圳市南山区科技园南区1栋101']],
    ['地址是上海市徐汇区漕溪北路200号', ['上海市徐汇区漕溪北路200号']],
    ['他家在杭州市西湖区文三路90号', ['杭州市西湖区文三路90号']],
    ['"address":"上海市浦东新区世纪大道100号"', ['上海市浦东新区世纪大道100号']],
    ['快递寄到朝阳区建国路88号了', ['朝阳区建国路88号']],
    [
      '我们公司位于北京市海淀区中关村大街27号中关村大厦10层1008室',
      ['北京市海淀区中关村大街27号中关村大厦10层1008室'],
    ],
    ['住址：河南省周口市沈丘县付井镇付井村3组', ['河南省周口市沈丘县付井镇付井村3组']],
    ['户籍：山东省济南市历下区', ['山东省济南市历下区']],
    ['现住址：深圳市南山区粤海街道科技园社区科苑路15号', ['深圳市南山区粤海街道科技园社区科苑路15号']],
    ['地址：阳光小区3栋', ['阳光小区3栋']],
    ['我住在北京市朝阳区', ['北京市朝阳区']],
    ['我在人民路88号等你', ['人民路88号']],
    ['张伟,男,35,13800138000,北京市朝阳区建国路88号', ['北京市朝阳区建国路88号']],
    ['联系人:李娜,电话:13912345678,地址:上海市浦东新区张江路100号', ['上海市浦东新区张江路100号']],
    [
      '寄件地址：广州市天河区天河路385号太古汇1座2001 电话：020-12345678',
      ['广州市天河区天河路385号太古汇1座2001'],
    ],
    [
      '快递送到石家庄市 赵县 黄河路 28号 幸福家园 15栋 6单元 1407了吗',
      ['石家庄市 赵县 黄河路 28号 幸福家园 15栋 6单元 1407'],
    ],
    [
      '地址：北京市朝阳区建国路88号；北京市海淀区中关村大街27号',
      ['北京市朝阳区建国路88号', '北京市海淀区中关村大街27号'],
    ],
    ['收货地址：ＸＸ省（略）|上海市黄浦区南京东路100弄5号', ['上海市黄浦区南京东路100弄5号']],
    // A space between digits and their unit, as typed or as editors that space ASCII apart put it.
    [
      '收货地址：浙江省杭州市西湖区文三路 90 号 3 号楼 2 单元 501 室，电话13800138000',
      ['浙江省杭州市西湖区文三路 90 号 3 号楼 2 单元 501 室'],
    ],
    ['地址：阳光小区 3 栋 2 单元 1 楼', ['阳光小区 3 栋 2 单元 1 楼']],
    ['申请人现住北京市海淀区', ['北京市海淀区']],
  ])('%s', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('scores with a cue above the same address without one', () => {
    const [withCue] = findAddresses('地址：北京市朝阳区建国路88号');
    const [without] = findAddresses('北京市朝阳区建国路88号');
    expect(withCue!.cue).toBe('地址');
    expect(withCue!.score).toBeGreaterThan(without!.score);
    expect(without!.score).toBeGreaterThanOrEqual(0.8);
  });

  it('reports UTF-16 offsets into the original text', () => {
    const text = '😀地址：北京市朝阳区建国路８８号';
    const [s] = findAddresses(text);
    expect(text.slice(s!.start, s!.end)).toBe('北京市朝阳区建国路８８号');
  });
});

describe('findAddresses: precision', () => {
  it.each([
    '我去北京出差',
    '北京的天气不错',
    '下周去广东旅游',
    '无线路由器坏了',
    '路由器需要重启',
    '道路施工请绕行',
    '祝你一路顺风',
    '这条路线很堵',
    '高速公路上堵车',
    '这款手机型号是X100，账号123号',
    '信号不好，号码是13812345678',
    '请输入账号和编号',
    '地铁3号线',
    '10月1号开会',
    '第3号文件已下发',
    '会议室在三楼',
    '这个小区环境很好',
    '今天在朝阳区开会',
    '北京市朝阳区人民政府',
    '省政府办公厅',
    '区县两级',
    '街道办事处',
    '楼下便利店',
    '3号楼',
    '新华路',
    'IP地址：192.168.1.1',
    '服务器地址: 10.0.0.1',
    'MAC地址 00:1A:2B:3C:4D:5E',
    '邮箱地址：someone@example.com',
    '地址：朝阳区',
    '北京是一座美丽的城市',
    '我们在上海有分公司',
    '城市花园很漂亮',
  ])('%s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('findAddresses: fieldIsAddress', () => {
  it('takes the whole trimmed field when it validates', () => {
    expect(found('  江苏省南京市鼓楼区  ', { fieldIsAddress: true })).toEqual(['江苏省南京市鼓楼区']);
    expect(findAddresses('"北京市朝阳区建国路88号"', { fieldIsAddress: true })[0]!.score).toBe(0.93);
    expect(found('北京市', { fieldIsAddress: true })).toEqual([]);
    expect(found('N/A', { fieldIsAddress: true })).toEqual([]);
  });
});

describe('findAddresses on generated lines', () => {
  it('finds generated addresses exactly and nothing in hard negatives (precision and recall ≥ 0.97)', () => {
    const rng = mulberry32(20_260_102);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < 1000; i++) {
      const line = addressLine(rng);
      const spans = findAddresses(line.text);
      const gold = line.spans[0]!;
      const hit = spans.filter((s) => s.start === gold.start && s.end === gold.end).length;
      tp += hit > 0 ? 1 : 0;
      fn += hit > 0 ? 0 : 1;
      fp += spans.length - hit;
    }
    for (let i = 0; i < 1000; i++) fp += findAddresses(nonAddressPhrase(rng)).length;
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.97);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.97);
  });

  it('only reports addresses that contain a trigger', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = mulberry32(seed);
        const text = rng() < 0.5 ? addressLine(rng).text : nonAddressPhrase(rng);
        return findAddresses(text).every((s) => {
          const span = text.slice(s.start, s.end).toLowerCase();
          return ADDRESS_TRIGGERS.some((t) => span.includes(t));
        });
      }),
      { numRuns: 500 },
    );
  });
});

/** Full-width forms of some of the ASCII characters of `text` (what `foldWidth` undoes), chosen by `rng`. */
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

describe('findAddresses: how the text is read', () => {
  it('reads full-width forms as the ASCII characters they fold to', () => {
    expect(findAddresses('地址：北京市朝阳区建国路８８号')).toEqual(
      findAddresses('地址:北京市朝阳区建国路88号'),
    );
    expect(findAddresses('ＡＤＤＲ：杭州市西湖区文三路９０号')).toEqual(
      findAddresses('ADDR:杭州市西湖区文三路90号'),
    );
    expect(findAddresses('ＡＤＤＲ：杭州市西湖区文三路９０号')[0]?.cue).toBe('ADDR');
    expect(spansOf('阳光小区３栋２单元５０１室')).toEqual(spansOf('阳光小区3栋2单元501室'));
    // The mask keeps the characters as written.
    expect(findAddresses('阳光小区３栋２单元５０１室')[0]?.masked).toBe('阳光小区３********');
  });

  /** The spans without their masks (which keep the characters as written). */
  const spansOf = (text: string) => findAddresses(text).map(({ masked: _masked, ...span }) => span);

  it("gives each span's mask as cnAddress.mask of its text would (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = mulberry32(seed);
        const text = widen(`${rng() < 0.5 ? '收货地址：' : ''}${addressLine(rng).text}`, rng);
        for (const span of findAddresses(text)) {
          expect(span.masked).toBe(cnAddress.mask(text.slice(span.start, span.end)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same spans for a text and for its folded form', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = mulberry32(seed);
        const text = widen(rng() < 0.7 ? addressLine(rng).text : nonAddressPhrase(rng), rng);
        expect(spansOf(text)).toEqual(spansOf(foldWidth(text)));
        expect(addressComponents(text)).toEqual(addressComponents(foldWidth(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answers whatever it was given before (its buffers are reused)', () => {
    const rng = mulberry32(7);
    const texts = [
      '积石山保安族东乡族撒拉族自治县',
      '积石',
      '甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县吹麻滩镇',
      '临夏',
      `${'今天下午开会讨论新版本发布计划，'.repeat(40)}收货地址：北京市朝阳区建国路88号院3号楼2单元501室`,
      '地址：shipping_address',
      'shipping_addr',
      ...Array.from({ length: 30 }, () => addressLine(rng).text),
      ...Array.from({ length: 30 }, () => nonAddressPhrase(rng)),
    ];
    const run = (list: readonly string[]) =>
      new Map(
        list.map((t) => [
          t,
          JSON.stringify([findAddresses(t), addressComponents(t), cnAddress.validate(t), cnAddress.mask(t)]),
        ]),
      );
    const forward = run(texts);
    const backward = run([...texts].reverse());
    for (const t of texts) expect(backward.get(t), t).toBe(forward.get(t));
  });
});
