import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CueLog, cueRanks } from './cue-log.ts';
import { CueIndex } from './cues.ts';

/** The per-id scan the log replaces: every cue's latest end in `[floor, start]`. */
function reference(
  log: CueLog,
  lengths: Int32Array,
  raise: Int32Array,
  lower: Int32Array,
  foreign: Int32Array,
  floor: number,
  start: number,
) {
  const pick = (ids: Int32Array, byLength: boolean) => {
    let at = -1;
    let id = -1;
    for (const x of ids) {
      const p = log.lastPos[x]!;
      if (p >= floor && p <= start && (p > at || (byLength && p === at && lengths[x]! > lengths[id]!))) {
        at = p;
        id = x;
      }
    }
    return [at, id];
  };
  return [...pick(raise, true), ...pick(lower, true), ...pick(foreign, false)];
}

describe('CueLog.nearest', () => {
  const cues = new CueIndex();
  const words = [
    'tel',
    'phone',
    'mobile',
    '手机',
    '手机号',
    '号码',
    'card',
    'idcard',
    '订单',
    'sn',
    'order',
    '证件号',
    '证件号码',
  ];
  const ids = words.map((w) => cues.add(w, 'raise'));
  cues.freeze();
  const raise = Int32Array.from([ids[0]!, ids[1]!, ids[2]!, ids[3]!, ids[4]!, ids[5]!]);
  const lower = Int32Array.from([ids[8]!, ids[9]!, ids[10]!]);
  const foreign = Int32Array.from([ids[6]!, ids[7]!, ids[11]!, ids[12]!, ids[5]!]);
  const ranks = cueRanks(cues.words.length, raise, lower, foreign);

  it('finds what a scan of every cue id finds, also when its ring is overrun', () => {
    const event = fc.record({
      id: fc.nat(ids.length - 1),
      step: fc.nat(3),
      span: fc.integer({ min: 1, max: 12 }),
    });
    const query = fc.tuple(fc.nat(80), fc.nat(20));
    fc.assert(
      // Dense runs (many cues ending in one window) overrun the ring and take the fallback.
      fc.property(
        fc.boolean(),
        fc.array(event, { maxLength: 700, size: 'max' }),
        fc.array(query, { maxLength: 20 }),
        (dense, events, queries) => {
          const log = new CueLog(cues);
          log.reset();
          let from = 0;
          for (const e of events) {
            from += dense ? Math.floor(e.step / 3) : e.step;
            log.record(ids[e.id]!, from, from + e.span);
          }
          for (const [back, ahead] of queries) {
            const start = from + ahead;
            const floor = Math.max(0, start - back);
            log.nearest(ranks, floor, start);
            const got = [log.raiseAt, log.raiseId, log.lowerAt, log.lowerId, log.foreignAt, log.foreignId];
            expect(got).toEqual(reference(log, cues.lengths, raise, lower, foreign, floor, start));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
