/**
 * Chat exports (聊天记录): WeChat/QQ/IM style, mixed Chinese and English, PI typed the messy way
 * people type it (full-width digits, `+86 139 1234 5678`, digits glued to Chinese, IDs split 6-8-4).
 *
 * @module
 */
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  addressSeg,
  amountNeg,
  badCheckId,
  badDateId,
  bankCardSeg,
  chance,
  dateTime,
  elevenDigitNonMobile,
  emailSeg,
  hmtPermitLabel,
  hmtPermitSeg,
  landlineSeg,
  luhnBadCard,
  mobileSeg,
  nameSeg,
  nonAddressSeg,
  nonNameSeg,
  orderNo,
  passportSeg,
  plateSeg,
  residentIdSeg,
  serviceNumberNeg,
  timestampNeg,
  unallocatedMobile,
  urlNeg,
  versionNeg,
  waybill,
} from '../values.ts';
import { BANKS, CHAT_PLAIN, NICKNAMES, PRODUCTS } from '../words.ts';
import type { Doc, Seg } from '../writer.ts';

const MESSY = 0.35;

type Msg = (rng: Rng) => Seg[];

/** Messages carrying PI (labelled). */
const PI_MSGS: readonly Msg[] = [
  (r) => ['我手机号', mobileSeg(r, MESSY), '，到了打给我'],
  (r) => ['手机', mobileSeg(r, MESSY)],
  (r) => ['电话：', mobileSeg(r, MESSY), ' 微信同号'],
  (r) => ['my number is ', mobileSeg(r, MESSY), ', call me after 6pm'],
  (r) => ['新号码', mobileSeg(r, MESSY), '，旧的不用了'],
  (r) => ['收货地址：', addressSeg(r), '，', nameSeg(r), '，', mobileSeg(r, MESSY)],
  (r) => ['寄到', addressSeg(r), '就行'],
  (r) => ['我现在住在', addressSeg(r), '，欢迎来玩'],
  (r) => ['身份证号', residentIdSeg(r, MESSY), ' 麻烦帮我核对一下'],
  (r) => ['身份证：', residentIdSeg(r, MESSY)],
  (r) => ['ID card no. ', residentIdSeg(r, MESSY), ' pls register for me'],
  (r) => ['报名信息：', nameSeg(r), ' ', residentIdSeg(r, MESSY), ' ', mobileSeg(r, MESSY)],
  (r) => ['卡号', bankCardSeg(r, 0.4), ' ', pick(r, BANKS), '，户名', nameSeg(r)],
  (r) => ['工资卡是', bankCardSeg(r, 0.4), '，打这张就行'],
  (r) => ['邮箱', emailSeg(r), '，简历发你了'],
  (r) => ['send it to ', emailSeg(r), ' thx'],
  (r) => ['车牌', plateSeg(r, 0.2), '，停在B2'],
  (r) => ['我的车是', plateSeg(r, 0.2), '，白色的'],
  (r) => ['护照号码', passportSeg(r), '，下周出发'],
  (r) => {
    const seg = hmtPermitSeg(r);
    return [hmtPermitLabel(seg.v), '号码 ', seg];
  },
  (r) => ['联系人：', nameSeg(r), ' ', mobileSeg(r, MESSY)],
  (r) => ['我叫', nameSeg(r), '，是新来的同事'],
  (r) => ['@', nameSeg(r), ' 收到请回复'],
  (r) => ['这个单子是', nameSeg(r), '负责的'],
  (r) => ['办公室电话', landlineSeg(r, 0.3), '，工作日找我'],
  (r) => ['座机', landlineSeg(r, 0.3)],
  (r) => ['户主', nameSeg(r), '，住址', addressSeg(r)],
];

/** Messages with hard negatives (recorded, must not be found). */
const NEG_MSGS: readonly Msg[] = [
  (r) => ['订单号', orderNo(r), '，什么时候发货？'],
  (r) => ['快递单号：', waybill(r)],
  (r) => ['一共', amountNeg(r), '，已经付款了'],
  (r) => ['看这个 ', urlNeg(r)],
  (r) => ['他给的身份证号是', badCheckId(r), '，系统提示校验不通过'],
  (r) => ['这个号码', badDateId(r), '不对吧，没有这个日期'],
  (r) => ['工单号', elevenDigitNonMobile(r), '，客服说三天内回复'],
  (r) => ['有问题打', serviceNumberNeg(r), '问问'],
  (r) => ['这个号', unallocatedMobile(r), '打不通，是空号'],
  (r) => ['交易参考号', luhnBadCard(r)],
  (r) => ['升级到', versionNeg(r), '就好了'],
  (r) => ['log里时间戳是', timestampNeg(r)],
  (r) => ['说到', nonNameSeg(r), '，我觉得还行'],
  (r) => [nonAddressSeg(r)],
  (r) => ['买了', pick(r, PRODUCTS), '，', amountNeg(r)],
];

function plainMsg(rng: Rng): Seg[] {
  return [pick(rng, CHAT_PLAIN)];
}

function message(rng: Rng): Seg[] {
  const r = rng();
  if (r < 0.3) return pick(rng, PI_MSGS)(rng);
  if (r < 0.45) return pick(rng, NEG_MSGS)(rng);
  return plainMsg(rng);
}

export const chat: KindSpec = {
  id: 'chat',
  description: 'chat exports (WeChat/QQ style), mixed zh/en, messy PI',
  variants: { gbk: true, gzip: false, crlf: true, bom: false },
  fileName: (rng, i) => `chat/${pick(rng, ['聊天记录', 'wechat_export', 'QQ消息记录', '客服会话'])}_${i}.txt`,
  write(rng: Rng, doc: Doc, target: number): void {
    // Participants show a real name (a remark or a work account) or, more often, a nickname.
    const people: Seg[] = Array.from({ length: int(rng, 2, 5) }, () =>
      chance(rng, 0.4) ? nameSeg(rng) : pick(rng, NICKNAMES),
    );
    const style = int(rng, 0, 2);
    const speaker = (): Seg => pick(rng, people);
    if (style === 0) doc.line([`微信聊天记录导出  共${int(rng, 100, 9000)}条`]);
    else if (style === 2) doc.line(['消息记录（此消息记录为文本格式，不支持重新导入）']);
    doc.line(['']);
    while (doc.bytes < target) {
      const who = speaker();
      const when = dateTime(rng);
      if (style === 0) {
        // WeChat: "2024-03-15 10:23:11 王芳" then the message on its own line.
        doc.line([when, ' ', who]);
        doc.line(message(rng));
        if (chance(rng, 0.3)) doc.line(['']);
      } else if (style === 1) {
        doc.line(['[', when.slice(11, 16), '] ', who, ': ', ...message(rng)]);
      } else {
        doc.line([who, ' ', when.replaceAll('-', '/')]);
        doc.line(message(rng));
        doc.line(['']);
      }
    }
  },
};
