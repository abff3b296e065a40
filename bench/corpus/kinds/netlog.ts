/**
 * Network and device logs: DHCP and RADIUS (IP, MAC, the subscriber's mobile as user name),
 * nginx access lines (client IP, sometimes a phone in the query string), and device telemetry
 * (IMEI, MAC) next to IMSIs, serials, byte counters and session ids, which are not PI here.
 *
 * @module
 */
import { digits, int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  chance,
  epochMs,
  hashNeg,
  imeiSeg,
  imsiNeg,
  ipSeg,
  macSeg,
  mobileSeg,
  serial15Neg,
  traceIdNeg,
  versionNeg,
} from '../values.ts';
import { type Doc, neg, type Seg } from '../writer.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

type Line = (rng: Rng, t: Date) => Seg[];

function syslogTime(t: Date): string {
  return `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
}

const LINES: readonly [number, Line][] = [
  [
    14,
    (r, t) => [
      syslogTime(t),
      ` gw${int(r, 1, 9)} dhcpd[${int(r, 200, 9999)}]: DHCPACK on `,
      ipSeg(r, 0),
      ' to ',
      macSeg(r),
      ` (${pick(r, ['iPhone', 'android-5f2c', 'DESKTOP-7Q2M', 'MiWiFi'])}) via eth${int(r, 0, 3)}`,
    ],
  ],
  [
    10,
    (r, t) => [
      t.toISOString(),
      ' radiusd: Access-Accept user=',
      mobileSeg(r, 0),
      ' nas_ip=',
      ipSeg(r, 0),
      ' framed_ip=',
      ipSeg(r, 0.2),
      ' calling_station_id=',
      macSeg(r),
      ' session=',
      neg('session-id', digits(r, 8).toUpperCase()),
    ],
  ],
  [
    16,
    (r, t) => [
      ipSeg(r, 0.1),
      ` - - [${p2(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} +0800] "GET /api/v1/items/${int(r, 1, 99_999_999)}?_t=`,
      neg('timestamp-ms', String(epochMs(r))),
      ` HTTP/1.1" ${pick(r, ['200', '200', '304', '404', '502'])} ${int(r, 100, 90000)} "-" "okhttp/4.12.0"`,
    ],
  ],
  [
    5,
    (r, t) => [
      ipSeg(r, 0.1),
      ` - - [${p2(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} +0800] "GET /api/sms/send?phone=`,
      mobileSeg(r, 0),
      `&sign=`,
      hashNeg(r, 32),
      ` HTTP/1.1" 200 ${int(r, 20, 400)} "-" "Mozilla/5.0"`,
    ],
  ],
  [
    10,
    (r, t) => [
      `[${t.toISOString().replace('T', ' ').slice(0, 23)}] INFO  device online imei=`,
      imeiSeg(r),
      ' imsi=',
      imsiNeg(r),
      ' sn=',
      serial15Neg(r),
      ' fw=',
      versionNeg(r),
    ],
  ],
  [
    6,
    (r, t) => [
      `[${t.toISOString().replace('T', ' ').slice(0, 23)}] WARN  heartbeat timeout IMEI:`,
      imeiSeg(r),
      ' MAC:',
      macSeg(r),
      ' last_ip=',
      ipSeg(r, 0.3),
    ],
  ],
  [
    12,
    (r, t) => [
      syslogTime(t),
      ` fw01 kernel: IN=eth0 OUT= SRC=`,
      ipSeg(r, 0),
      ' DST=',
      ipSeg(r, 0),
      ` LEN=${int(r, 40, 1500)} TTL=${int(r, 30, 128)} ID=${int(r, 1, 65535)} PROTO=TCP SPT=${int(r, 1024, 65535)} DPT=${pick(r, [22, 80, 443, 3306, 8080])}`,
    ],
  ],
  [
    12,
    (r, t) => [
      t.toISOString(),
      ` stats iface=eth${int(r, 0, 3)} rx_bytes=`,
      neg('counter', String(int(r, 1e9, 9e12))),
      ' tx_bytes=',
      neg('counter', String(int(r, 1e9, 9e12))),
      ' trace=',
      traceIdNeg(r),
    ],
  ],
];
const TOTAL = LINES.reduce((s, [w]) => s + w, 0);

function pickLine(rng: Rng): Line {
  let x = rng() * TOTAL;
  for (const [w, l] of LINES) {
    x -= w;
    if (x < 0) return l;
  }
  return LINES[0]![1];
}

export const netlog: KindSpec = {
  id: 'netlog',
  description: 'network/device logs (DHCP, RADIUS, nginx, firewall, telemetry: IP, MAC, IMEI)',
  variants: { gbk: false, gzip: true, crlf: false, bom: false },
  fileName: (rng, i) => `netlog/${pick(rng, ['syslog', 'radius', 'access', 'device'])}-${i}.log`,
  write(rng: Rng, doc: Doc, target: number): void {
    let ms = epochMs(rng);
    while (doc.bytes < target) {
      ms += int(rng, 1, 5000);
      const t = new Date(ms + 8 * 3_600_000);
      doc.line(pickLine(rng)(rng, t));
      if (chance(rng, 0.001)) doc.line(['']);
    }
  },
};
