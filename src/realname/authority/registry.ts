/**
 * The authority's in-memory register: the population indexed for O(1) lookups by resident ID,
 * mobile and network identity.
 *
 * Sized for millions of people: each person is a slot in parallel arrays (name, resident ID,
 * network identity, status, birth day) and the three maps hold slot numbers, not objects, so a
 * million people cost a few hundred megabytes at most rather than a graph of small objects.
 *
 * @module
 */
import { residentIdBirthDate } from '../../pi/cn-resident-id.ts';
import { dayNumber } from '../../pi/text.ts';
import type { Carrier } from '../types.ts';
import {
  CARRIERS,
  PERSON_STATUSES,
  type Person,
  type PersonStatus,
  PopulationError,
  readPopulation,
  validatePerson,
} from './population.ts';

/** A person as the authority sees them during a check. */
export interface RegisteredPerson {
  readonly slot: number;
  readonly name: string;
  readonly residentId: string;
  readonly networkIdentity: string;
  readonly status: PersonStatus;
  /** Birth date as a day number (days since 1970-01-01). */
  readonly birthDay: number;
}

/** A registered mobile: its subscriber's slot and carrier. */
export interface RegisteredMobile {
  readonly slot: number;
  readonly carrier: Carrier;
}

/** The population, indexed. Add people with {@link add} or build one with {@link PopulationIndex.load}. */
export class PopulationIndex {
  readonly #names: string[] = [];
  readonly #ids: string[] = [];
  readonly #nis: string[] = [];
  readonly #status: number[] = [];
  readonly #birth: number[] = [];
  readonly #byId = new Map<string, number>();
  /** mobile → slot × 8 + carrier index. */
  readonly #byMobile = new Map<string, number>();
  readonly #byNi = new Map<string, number>();

  /** People held. */
  get size(): number {
    return this.#ids.length;
  }

  /**
   * Adds a validated person. Throws `PopulationError` `DUPLICATE` (naming the field, with `line`
   * when given) if their resident ID, a mobile or their network identity is already held.
   */
  add(person: Person, line?: number): void {
    const slot = this.#ids.length;
    const dup = (field: string) =>
      new PopulationError('DUPLICATE', `${field} already belongs to an earlier person`, line, field);
    if (this.#byId.has(person.residentId)) throw dup('residentId');
    if (this.#byNi.has(person.networkIdentity)) throw dup('networkIdentity');
    for (const m of person.mobiles) if (this.#byMobile.has(m.number)) throw dup('mobiles.number');
    const birth = residentIdBirthDate(person.residentId);
    if (birth === undefined)
      throw new PopulationError('BAD_FIELD', 'residentId has no birth date', line, 'residentId');
    this.#byId.set(person.residentId, slot);
    this.#byNi.set(person.networkIdentity, slot);
    for (const m of person.mobiles) this.#byMobile.set(m.number, slot * 8 + CARRIERS.indexOf(m.carrier));
    this.#names.push(person.name);
    this.#ids.push(person.residentId);
    this.#nis.push(person.networkIdentity);
    this.#status.push(PERSON_STATUSES.indexOf(person.status));
    this.#birth.push(dayNumber(birth.year, birth.month, birth.day));
  }

  /** Indexes people from records, an async stream, or a JSONL file path (validated line by line). */
  static async load(source: Iterable<Person> | AsyncIterable<Person> | string): Promise<PopulationIndex> {
    const index = new PopulationIndex();
    if (typeof source === 'string') {
      for await (const p of readPopulation(source)) index.add(p, p.line);
    } else {
      // Records from code are checked like file lines: the register must hold only valid people.
      for await (const p of source) index.add(validatePerson(p));
    }
    return index;
  }

  /** The person at `slot`. */
  person(slot: number): RegisteredPerson {
    return {
      slot,
      name: this.#names[slot]!,
      residentId: this.#ids[slot]!,
      networkIdentity: this.#nis[slot]!,
      status: PERSON_STATUSES[this.#status[slot]!]!,
      birthDay: this.#birth[slot]!,
    };
  }

  byResidentId(residentId: string): RegisteredPerson | undefined {
    const slot = this.#byId.get(residentId);
    return slot === undefined ? undefined : this.person(slot);
  }

  byNetworkIdentity(networkIdentity: string): RegisteredPerson | undefined {
    const slot = this.#byNi.get(networkIdentity);
    return slot === undefined ? undefined : this.person(slot);
  }

  byMobile(mobile: string): RegisteredMobile | undefined {
    const v = this.#byMobile.get(mobile);
    return v === undefined ? undefined : { slot: Math.floor(v / 8), carrier: CARRIERS[v % 8]! };
  }
}
