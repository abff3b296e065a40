import { describe, expect, it } from 'vitest';
import { REGION_DATA, REGION_REVISIONS } from './data/regions.ts';
import { listRegions, provinceName, regionName, regionSpan, regionValidEver } from './regions.ts';

describe('region table', () => {
  it('is compact and well formed', () => {
    expect(REGION_DATA.length).toBeLessThan(150_000);
    expect(REGION_REVISIONS[0]).toBe(198012);
    expect([...REGION_REVISIONS].sort((a, b) => a - b)).toEqual(REGION_REVISIONS);
    const all = listRegions();
    expect(all.length).toBeGreaterThan(7000);
    for (const r of all) {
      expect(r.code).toMatch(/^\d{6}$/);
      expect(r.name.length).toBeGreaterThan(0);
      if (r.to !== null) expect(r.to).toBeGreaterThanOrEqual(r.from);
    }
  });

  it.each([
    // code, valid ever, newest name, first revision at most, still current
    ['110101', true, '东城区', 198012, true],
    ['110103', true, '崇文区', 198012, false], // merged into 东城区 in 2010
    ['130602', true, '竞秀区', 198312, true], // 新市区 1983–2014, renamed 竞秀区 in 2015
    ['110000', true, '北京市', 198012, true],
    ['130100', true, '石家庄市', 198012, true],
    ['810000', true, '香港特别行政区', 201904, true],
    ['820000', true, '澳门特别行政区', 201904, true],
    ['830000', true, undefined, 201809, true],
  ] as const)('%s is known', (code, ever, name, from, current) => {
    expect(regionValidEver(code)).toBe(ever);
    if (name) expect(regionName(code)).toBe(name);
    const span = regionSpan(code)!;
    expect(span.from).toBeLessThanOrEqual(from);
    expect(span.to === null).toBe(current);
  });

  it('keeps the 1983–2014 span of 新市区 inside 130602', () => {
    const span = regionSpan('130602')!;
    expect(span.from).toBe(198312);
    expect(span.to).toBeNull();
    expect(regionSpan('110103')!.to).toBeLessThan(201100);
  });

  it.each(['999999', '000000', '110199', '1101', '11010a', '', '990000'])('%s is absent', (code) => {
    expect(regionValidEver(code)).toBe(false);
    expect(regionSpan(code)).toBeUndefined();
    expect(regionName(code)).toBeUndefined();
  });

  it('finds province names from any code of the province', () => {
    expect(provinceName('110101')).toBe('北京市');
    expect(provinceName('44')).toBe('广东省');
    expect(provinceName('130602')).toBe('河北省');
    expect(provinceName('99')).toBeUndefined();
    expect(provinceName('1')).toBeUndefined();
  });

  it('includes codes created after 2019 (NBS 2023)', () => {
    // 2019-04 and later: codes present only through the NBS 2023 list are still current.
    const newer = listRegions().filter((r) => r.from === 202306);
    expect(newer.length).toBeGreaterThan(10);
    for (const r of newer) expect(r.to).toBeNull();
  });
});
