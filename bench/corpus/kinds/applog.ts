/**
 * JSONL application logs: login, KYC, payment, device and messaging events. PI sits in named
 * fields and inside escaped request bodies; around it are the usual look-alikes: trace ids,
 * UUIDs, sha256 signatures, URLs with long numeric ids, millisecond timestamps, snowflake ids.
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
  badUscc,
  bankCardSeg,
  chance,
  elevenDigitNonMobile,
  emailSeg,
  epochMs,
  foreignerPrIdSeg,
  hashNeg,
  hkIdSeg,
  hmtPermitSeg,
  imeiSeg,
  ipSeg,
  luhnBadCard,
  macSeg,
  mobileSeg,
  moIdSeg,
  nameSeg,
  orderNo,
  passportSeg,
  plateSeg,
  residentIdSeg,
  snowflakeNeg,
  timestampNeg,
  traceIdNeg,
  twIdSeg,
  unallocatedMobile,
  urlNeg,
  userIdNeg,
  uuidNeg,
  versionNeg,
} from '../values.ts';
import { type Doc, type JObj, jsonInString, jsonLine, neg, type Seg } from '../writer.ts';

const LOGGERS = [
  'c.e.user.LoginController',
  'c.e.kyc.VerifyService',
  'c.e.pay.PaymentGateway',
  'c.e.order.OrderService',
  'c.e.msg.SmsSender',
  'c.e.device.DeviceRegistry',
  'c.e.park.GateController',
];
const UAS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
  'Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  'okhttp/4.12.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.95 Safari/537.36',
];

type Event = (rng: Rng, base: JObj) => JObj;

function docFields(rng: Rng): JObj {
  const r = rng();
  if (r < 0.5) return { doc_type: 'ID_CARD', doc_no: residentIdSeg(rng, 0.05) };
  if (r < 0.62) return { doc_type: 'PASSPORT', doc_no: passportSeg(rng) };
  if (r < 0.72) return { doc_type: 'HMT_PERMIT', doc_no: hmtPermitSeg(rng) };
  if (r < 0.8) return { doc_type: 'HK_ID', doc_no: hkIdSeg(rng) };
  if (r < 0.87) return { doc_type: 'MO_ID', doc_no: moIdSeg(rng) };
  if (r < 0.94) return { doc_type: 'TW_ID', doc_no: twIdSeg(rng) };
  return { doc_type: 'FOREIGNER_PR', doc_no: foreignerPrIdSeg(rng) };
}

const EVENTS: readonly [number, Event][] = [
  [
    14,
    (r, b) => ({
      ...b,
      msg: 'login success',
      uid: { num: userIdNeg(r) },
      mobile: mobileSeg(r, 0.05),
      ip: ipSeg(r),
      ua: pick(r, UAS),
    }),
  ],
  [
    8,
    (r, b) => ({
      ...b,
      msg: 'kyc submit',
      request_id: uuidNeg(r),
      req: jsonInString({ name: nameSeg(r), ...docFields(r), phone: mobileSeg(r, 0.05) }),
    }),
  ],
  [
    3,
    (r, b) => ({
      ...b,
      level: 'WARN',
      msg: 'kyc rejected: checksum',
      doc_no: chance(r, 0.6) ? badCheckId(r) : badDateId(r),
      request_id: uuidNeg(r),
    }),
  ],
  [
    8,
    (r, b) => ({
      ...b,
      msg: 'pay callback',
      order_id: orderNo(r),
      out_trade_no: snowflakeNeg(r),
      card_no: bankCardSeg(r, 0.05),
      amount: amountNeg(r),
      sign: hashNeg(r),
    }),
  ],
  [
    3,
    (r, b) => ({
      ...b,
      level: 'WARN',
      msg: 'card rejected: luhn',
      card_no: luhnBadCard(r),
      ref: elevenDigitNonMobile(r),
    }),
  ],
  [
    10,
    (r, b) => ({
      ...b,
      level: 'DEBUG',
      msg: 'http call',
      url: urlNeg(r),
      cost_ms: int(r, 1, 900),
      span_id: traceIdNeg(r).v.slice(0, 16),
    }),
  ],
  [
    6,
    (r, b) => ({
      ...b,
      msg: 'sms sent',
      to: mobileSeg(r, 0.05),
      template: `SMS_${int(r, 100000000, 999999999)}`,
      biz_id: timestampNeg(r),
    }),
  ],
  [2, (r, b) => ({ ...b, level: 'WARN', msg: 'sms failed: number not allocated', to: unallocatedMobile(r) })],
  [5, (r, b) => ({ ...b, msg: 'mail queued', to: emailSeg(r), message_id: uuidNeg(r) })],
  [
    6,
    (r, b) => ({
      ...b,
      msg: 'device register',
      device: { imei: imeiSeg(r), mac: macSeg(r), os: `Android ${int(r, 9, 14)}`, app: versionNeg(r) },
      ip: ipSeg(r, 0.3),
    }),
  ],
  [
    5,
    (r, b) => ({
      ...b,
      msg: 'gate open',
      plate: plateSeg(r, 0.05),
      gate: `G${int(r, 1, 12)}`,
      fee: amountNeg(r),
    }),
  ],
  [
    5,
    (r, b) => ({
      ...b,
      msg: 'address updated',
      uid: { num: userIdNeg(r) },
      receiver: nameSeg(r),
      addr: addressSeg(r),
    }),
  ],
  [2, (r, b) => ({ ...b, level: 'WARN', msg: 'invoice rejected', tax_no: badUscc(r) })],
  [
    15,
    (r, b) => ({
      ...b,
      level: 'DEBUG',
      msg: 'cache hit',
      key: ['sess:', hashNeg(r, 40)],
      ttl: int(r, 60, 86400),
    }),
  ],
];

const TOTAL = EVENTS.reduce((s, [w]) => s + w, 0);

function pickEvent(rng: Rng): Event {
  let x = rng() * TOTAL;
  for (const [w, e] of EVENTS) {
    x -= w;
    if (x < 0) return e;
  }
  return EVENTS[0]![1];
}

export const applog: KindSpec = {
  id: 'applog',
  description:
    'JSONL app logs (PI in fields and escaped bodies; trace ids, UUIDs, hashes, URLs, ms timestamps)',
  variants: { gbk: false, gzip: true, crlf: false, bom: false },
  fileName: (rng, i) => `logs/${pick(rng, ['app', 'gateway', 'kyc-service', 'pay'])}-${i}.jsonl`,
  write(rng: Rng, doc: Doc, target: number): void {
    const service = pick(rng, ['user-svc', 'pay-svc', 'order-svc', 'gateway']);
    let ts = epochMs(rng);
    while (doc.bytes < target) {
      ts += int(rng, 1, 2000);
      const base: JObj = chance(rng, 0.5)
        ? {
            ts: { num: neg('timestamp-ms', String(ts)) },
            level: 'INFO',
            service,
            logger: pick(rng, LOGGERS),
            trace_id: traceIdNeg(rng),
          }
        : { '@timestamp': new Date(ts).toISOString(), level: 'INFO', service, traceId: traceIdNeg(rng) };
      const line: Seg[] = jsonLine(pickEvent(rng)(rng, base));
      doc.line(line);
    }
  },
};
