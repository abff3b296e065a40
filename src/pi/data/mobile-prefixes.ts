/**
 * Mobile network numbers (网号) allocated by MIIT, as at the end of March 2023.
 *
 * Source: MIIT, "我国公众移动通信网网号及H0分配情况（截至2023年3月底）" (a government notice, so
 * the facts are free to reuse). A mainland mobile number is `1` + 3-digit network number + 4-digit
 * HLR code + 4-digit subscriber number; some network numbers are split further by the 4th or 5th
 * digit. Since number portability (携号转网, 2019) the prefix names the *original* carrier only.
 *
 * MIIT's notes: 170, 171, 162, 165 and 167 are for mobile resale (virtual operators, MVNO); 174,
 * 1349 and 1619 are satellite. 145/147/149 were the data-card ranges; China Mobile's 148 and 172
 * are IoT-only. 13-digit IoT numbers start 140–144 (not listed here: see `IOT13_PREFIXES`).
 *
 * Not allocated (and so rejected): 140–144 as 11-digit numbers, 154, 160, 1610–1618, 163, 164,
 * 168, 169, 17413–17419, 1742–1748, 179, 194, and everything under 10x, 11x, 12x.
 *
 * @module
 */

/** The operator a network number was allocated to. */
export type MobileCarrier =
  | 'china-mobile'
  | 'china-unicom'
  | 'china-telecom'
  | 'china-broadnet'
  | 'china-satnet'
  /** Ranges MIIT lists under "others" (1740[6-9], 1741[0-2], 1749). */
  | 'other';

/** What a range is for: ordinary public service, resale, satellite, or data cards and IoT. */
export type MobileUse = 'public' | 'mvno' | 'satellite' | 'iot-data';

/** One allocated range: a 3-, 4- or 5-digit prefix; a longer prefix overrides a shorter one. */
export type MobileSegment = readonly [prefix: string, carrier: MobileCarrier, use: MobileUse];

const M = 'china-mobile';
const U = 'china-unicom';
const T = 'china-telecom';

/** The MIIT 2023-03 allocation, one row per prefix. */
export const MOBILE_SEGMENTS: readonly MobileSegment[] = [
  // 13x
  ['130', U, 'public'],
  ['131', U, 'public'],
  ['132', U, 'public'],
  ['133', T, 'public'],
  ['134', M, 'public'], // 1340–1348
  ['1349', T, 'satellite'], // Tiantong satellite, operated by China Telecom
  ['135', M, 'public'],
  ['136', M, 'public'],
  ['137', M, 'public'],
  ['138', M, 'public'],
  ['139', M, 'public'],
  // 14x: 11-digit numbers are issued in 145–149 only
  ['145', U, 'iot-data'],
  ['146', U, 'iot-data'],
  ['147', M, 'iot-data'],
  ['148', M, 'iot-data'],
  ['149', T, 'iot-data'],
  // 15x: 154 unallocated
  ['150', M, 'public'],
  ['151', M, 'public'],
  ['152', M, 'public'],
  ['153', T, 'public'],
  ['155', U, 'public'],
  ['156', U, 'public'],
  ['157', M, 'public'],
  ['158', M, 'public'],
  ['159', M, 'public'],
  // 16x
  ['1619', 'china-satnet', 'satellite'],
  ['162', T, 'mvno'],
  ['165', M, 'mvno'],
  ['166', U, 'public'],
  ['167', U, 'mvno'],
  // 17x: 170 is split by the 4th digit between the three hosts; 174 by the 4th/5th
  ['1700', T, 'mvno'],
  ['1701', T, 'mvno'],
  ['1702', T, 'mvno'],
  ['1703', M, 'mvno'],
  ['1704', U, 'mvno'],
  ['1705', M, 'mvno'],
  ['1706', M, 'mvno'],
  ['1707', U, 'mvno'],
  ['1708', U, 'mvno'],
  ['1709', U, 'mvno'],
  ['171', U, 'mvno'],
  ['172', M, 'iot-data'],
  ['173', T, 'public'],
  ['17400', T, 'satellite'],
  ['17401', T, 'satellite'],
  ['17402', T, 'satellite'],
  ['17403', T, 'satellite'],
  ['17404', T, 'satellite'],
  ['17405', T, 'satellite'],
  ['17406', 'other', 'satellite'],
  ['17407', 'other', 'satellite'],
  ['17408', 'other', 'satellite'],
  ['17409', 'other', 'satellite'],
  ['17410', 'other', 'satellite'],
  ['17411', 'other', 'satellite'],
  ['17412', 'other', 'satellite'],
  ['1749', 'other', 'satellite'],
  ['175', U, 'public'],
  ['176', U, 'public'],
  ['177', T, 'public'],
  ['178', M, 'public'],
  // 18x
  ['180', T, 'public'],
  ['181', T, 'public'],
  ['182', M, 'public'],
  ['183', M, 'public'],
  ['184', M, 'public'],
  ['185', U, 'public'],
  ['186', U, 'public'],
  ['187', M, 'public'],
  ['188', M, 'public'],
  ['189', T, 'public'],
  // 19x: 194 unallocated
  ['190', T, 'public'],
  ['191', T, 'public'],
  ['192', 'china-broadnet', 'public'],
  ['193', T, 'public'],
  ['195', M, 'public'],
  ['196', U, 'public'],
  ['197', M, 'public'],
  ['198', M, 'public'],
  ['199', T, 'public'],
];

/** Leading digits of 13-digit IoT numbers (1440x/1441x are China Mobile's). */
export const IOT13_PREFIXES: readonly string[] = ['140', '141', '142', '143', '144'];
