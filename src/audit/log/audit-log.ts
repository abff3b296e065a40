/**
 * The audit log as the rest of Shiming uses it: record accesses (fail closed), sign checkpoints,
 * serve proofs, tiles and entries, and find the entries about a known value.
 *
 * @example
 * ```ts
 * const log = await AuditLog.open({ store, origin: 'shiming.example/audit', signingSeed, hmacKey, signerState });
 * const subject = log.identifier('CN_RESIDENT_ID', idNumber);
 * await log.record({ actor: 'key_1', role: 'agent', purpose: 'support', action: 'subject.read',
 *                    tenant: 't1', subject, fields: ['CN_MOBILE'], outcome: 'ok' });
 * const note = await log.checkpoint();
 * ```
 * @module
 */
import type { HmacKey } from '../../crypto/hmac-key.ts';
import { PinnedConnection } from '../../store/pinned-connection.ts';
import type { Store } from '../../store/store.types.ts';
import { auditIdentifier } from '../audit-hash.ts';
import { CheckpointSigner, type SignerStateStore } from '../checkpoint-signer.ts';
import { type AuditEntry, type AuditEvent, decodeEntry, encodeEntry, toEntry } from '../entry.ts';
import { encodeEntryBundle } from '../entry-bundle.ts';
import { FormatError } from '../errors.ts';
import { type HashAlgorithm, type HashSuite, hashSuite } from '../hash-suite.ts';
import {
  ED25519_NOTE,
  ed25519PublicKey,
  encodeSignerKey,
  encodeVerifierKey,
  noteSigner,
} from '../note-keys.ts';
import { consistencyProof, inclusionProof } from '../proof-builder.ts';
import { tileHashReader } from '../tile-hash-reader.ts';
import { tileWidthAt } from '../tile-math.ts';
import { TILE_WIDTH } from '../tile-path.ts';
import { cosignCheckpoint } from '../witness/cosign-checkpoint.ts';
import type { WitnessClient } from '../witness/witness-client.ts';
import { LogStore } from './log-store.ts';
import { LogWriterThread } from './log-writer-thread.ts';
import type { AuditTables } from './schema.ts';
import { type Leaf, Sequencer, type SequencerOptions } from './sequencer.ts';

export interface AuditLogOptions extends SequencerOptions {
  readonly store: Store<AuditTables>;
  /** Row key of the log in the database (default `main`). */
  readonly logId?: string;
  /** The checkpoint origin line, also the signing key's name: `shiming.example.cn/audit`. */
  readonly origin: string;
  /** Fixed when the log is created; later opens must agree (default `sha256`). */
  readonly hashAlgorithm?: HashAlgorithm;
  /** 32-byte Ed25519 seed of the log key (crypto's `deriveLogSigningKey(...).seed()`). */
  readonly signingSeed: Uint8Array;
  /** The signer's memory, kept away from the database (see `FileSignerStateStore`). */
  readonly signerState: SignerStateStore;
  /**
   * SQLite file stores: run the group commits and the subject indexing on a writer thread with a
   * connection of its own (default true; see log-writer-thread.ts). Ignored for `:memory:` and
   * PostgreSQL.
   */
  readonly writerThread?: boolean;
  /** Key of the subject identifiers (crypto's `deriveAuditHmacKey`). */
  readonly hmacKey: HmacKey;
  readonly clock?: () => Date;
  /** Sign a checkpoint this often while entries arrive (default 10 s; 0 disables the timer). */
  readonly checkpointIntervalMs?: number;
  /** …or after this many new entries (default 100,000). */
  readonly checkpointEntries?: number;
  /** Witnesses asked to cosign each checkpoint (C2SP tlog-witness). */
  readonly witnesses?: readonly WitnessClient[];
  /** How many of them must cosign (default all). */
  readonly witnessQuorum?: number;
  /** Told about each witness that did not cosign (for the operator's log and alerts). */
  readonly onWitnessFailure?: (witness: string, error: Error) => void;
}

/** How long after an append the subject index catches up. */
const INDEX_DELAY_MS = 200;
/** Entries indexed per transaction: small enough that one step blocks SQLite's thread ~15 ms. */
const INDEX_CHUNK = 1000;
/**
 * …and on the writer thread, which blocks no requests. There batches index themselves in their
 * commit; this path only catches up a backlog (a log indexed before an upgrade), and longer steps
 * mean fewer commits while appends wait behind each step only ~100 ms.
 */
const THREAD_INDEX_CHUNK = 10_000;

/** A stored entry with its index. */
export interface FoundEntry {
  readonly index: bigint;
  readonly entry: AuditEntry;
}

/** One log: append, checkpoint, prove. */
export class AuditLog {
  readonly origin: string;
  readonly suite: HashSuite;
  /** The log's public key, C2SP vkey form: what a regulator pins. */
  readonly verifierKey: string;
  readonly #logStore: LogStore;
  readonly #writer: LogWriterThread | PinnedConnection<AuditTables> | undefined;
  readonly #sequencer: Sequencer;
  readonly #signer: CheckpointSigner;
  readonly #hmacKey: HmacKey;
  readonly #clock: () => Date;
  readonly #checkpointEntries: bigint;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #witnesses: readonly WitnessClient[];
  readonly #quorum: number;
  readonly #onWitnessFailure: ((witness: string, error: Error) => void) | undefined;
  #signedSize = -1n;
  #checkpointPending = false;
  #indexing: Promise<void> | undefined;
  #indexTimer: NodeJS.Timeout | undefined;
  #signing: Promise<string> | undefined;

  private constructor(
    options: AuditLogOptions,
    logStore: LogStore,
    writer: LogWriterThread | PinnedConnection<AuditTables> | undefined,
    suite: HashSuite,
    sequencer: Sequencer,
  ) {
    this.origin = options.origin;
    this.suite = suite;
    this.#logStore = logStore;
    this.#writer = writer;
    this.#sequencer = sequencer;
    this.#hmacKey = options.hmacKey;
    this.#clock = options.clock ?? (() => new Date());
    this.#checkpointEntries = BigInt(options.checkpointEntries ?? 100_000);
    this.#witnesses = options.witnesses ?? [];
    this.#quorum = options.witnessQuorum ?? this.#witnesses.length;
    this.#onWitnessFailure = options.onWitnessFailure;
    const skey = encodeSignerKey(options.origin, ED25519_NOTE, options.signingSeed);
    this.verifierKey = encodeVerifierKey(options.origin, ED25519_NOTE, ed25519PublicKey(options.signingSeed));
    this.#signer = new CheckpointSigner({
      origin: options.origin,
      suite,
      signers: [noteSigner(skey)],
      store: options.signerState,
    });
    const interval = options.checkpointIntervalMs ?? 10_000;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        if (this.#sequencer.size === this.#signedSize || this.#checkpointPending) return;
        this.#checkpointPending = true;
        this.checkpoint()
          .catch(() => {})
          .finally(() => {
            this.#checkpointPending = false;
          });
      }, interval);
      this.#timer.unref();
    }
  }

  /** Opens (creating on first use) the log and resumes its sequencer from the stored tiles. */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const algorithm = options.hashAlgorithm ?? 'sha256';
    const suite = hashSuite(algorithm);
    const { store } = options;
    const writer =
      store.dialect === 'postgres'
        ? new PinnedConnection(store.db)
        : store.file !== undefined && options.writerThread !== false
          ? new LogWriterThread(store.file)
          : undefined;
    try {
      const logStore = new LogStore(store.db, store.dialect, options.logId ?? 'main', writer);
      const now = (options.clock ?? (() => new Date()))();
      const row = await logStore.createLog(options.origin, algorithm, suite.emptyRoot(), now);
      if (row.origin !== options.origin || row.hashAlgorithm !== algorithm) {
        throw new FormatError(
          'INVALID_ARGUMENT',
          `audit log ${logStore.logId} was created with origin ${row.origin} and ${row.hashAlgorithm}`,
        );
      }
      const sequencer = await Sequencer.open(logStore, suite, options);
      return new AuditLog(options, logStore, writer, suite, sequencer);
    } catch (error) {
      await writer?.close();
      throw error;
    }
  }

  /** Committed tree size. */
  get size(): bigint {
    return this.#sequencer.size;
  }

  /** Root of the committed tree. */
  get root(): Uint8Array {
    return this.#sequencer.root;
  }

  /**
   * Gets the SQLite writer thread going (see log-writer-thread.ts) so the first `record` does not
   * wait for it to start; a server calls this at start-up. Nothing to do on other stores.
   */
  async warm(): Promise<void> {
    if (this.#writer instanceof LogWriterThread) await this.#writer.warm();
  }

  /** Group commits since this log was opened (entries per commit = appends ÷ commits). */
  get commits(): number {
    return this.#sequencer.commits;
  }

  /** The audit identifier of a value (`hmac-sha256:…`), what entries and `find` use. */
  identifier(kind: string, value: string): string {
    return auditIdentifier(this.#hmacKey, kind, value);
  }

  /**
   * Records accesses; resolves with their indices once durable. Callers serving PI await it and
   * fail the access when it rejects (fail closed). Invalid events reject before anything is
   * written (`AuditEntryError`, naming the field).
   */
  async record(events: AuditEvent | readonly AuditEvent[]): Promise<bigint[]> {
    const list = Array.isArray(events) ? events : [events as AuditEvent];
    const leaves: Leaf[] = list.map((event) => ({ data: encodeEntry(toEntry(event, this.#clock)) }));
    const indices = await this.#sequencer.append(leaves);
    this.#scheduleIndexing();
    // One checkpoint at a time: appends that arrive while it is signed must not queue more.
    const unsigned = this.#sequencer.size - (this.#signedSize < 0n ? 0n : this.#signedSize);
    if (unsigned >= this.#checkpointEntries && !this.#checkpointPending) {
      this.#checkpointPending = true;
      this.checkpoint()
        .catch(() => {})
        .finally(() => {
          this.#checkpointPending = false;
        });
    }
    return indices;
  }

  /**
   * Signs a checkpoint of the committed tree now (one at a time) and stores it; returns the note.
   * The signer checks a consistency proof from its last signed checkpoint first and refuses a
   * tree that does not extend it. With witnesses configured, their cosignatures are appended; if
   * fewer than the quorum cosign, the log-signed checkpoint is still stored and this rejects.
   */
  checkpoint(): Promise<string> {
    const run = (this.#signing ?? Promise.resolve('')).catch(() => '').then(() => this.#checkpoint());
    this.#signing = run;
    return run;
  }

  async #checkpoint(): Promise<string> {
    const size = this.#sequencer.size;
    const root = this.#sequencer.root;
    const last = await this.#signer.lastSigned();
    const from = last?.size ?? 0n;
    const proof = from === 0n || from >= size ? [] : await this.consistencyProof(from, size);
    const signed = await this.#signer.sign({ size, root }, proof);
    let note = signed;
    let failure: unknown;
    if (this.#witnesses.length > 0) {
      try {
        note = await cosignCheckpoint(signed, this.#witnesses, (from) => this.consistencyProof(from, size), {
          quorum: this.#quorum,
          ...(this.#onWitnessFailure === undefined ? {} : { onFailure: this.#onWitnessFailure }),
        });
      } catch (error) {
        failure = error; // keep the log-signed checkpoint; the next one asks the witnesses again
      }
    }
    await this.#logStore.saveCheckpoint(size, note, this.#clock());
    this.#signedSize = size;
    if (failure !== undefined) throw failure;
    return note;
  }

  /** The newest stored checkpoint note. */
  async latestCheckpoint(): Promise<string | undefined> {
    return (await this.#logStore.latestCheckpoint())?.note;
  }

  /** The stored checkpoint note of exactly `size`. */
  checkpointAt(size: bigint): Promise<string | undefined> {
    return this.#logStore.checkpointAt(size);
  }

  #reader(size: bigint) {
    if (size > this.#sequencer.size) {
      throw new FormatError(
        'INVALID_ARGUMENT',
        `tree size ${size} is beyond the log (${this.#sequencer.size})`,
      );
    }
    return tileHashReader(this.suite, size, this.#logStore.readTiles);
  }

  /** Inclusion proof of entry `index` in the tree of `size` entries. */
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]> {
    return inclusionProof(this.suite, index, size, this.#reader(size));
  }

  /** Consistency proof from `size1` to `size2`. */
  consistencyProof(size1: bigint, size2: bigint): Promise<Uint8Array[]> {
    return consistencyProof(this.suite, size1, size2, this.#reader(size2));
  }

  /** The bytes of tile `(level, index)` at `width` (default: its width in the committed tree). */
  async tile(level: number, index: bigint, width?: number): Promise<Uint8Array | undefined> {
    const full = tileWidthAt(level, index, this.#sequencer.size);
    const w = width ?? full;
    if (w < 1 || w > TILE_WIDTH || w > full) return undefined;
    const [blob] = await this.#logStore.readTiles([{ level, index, width: w }]);
    if (blob === undefined || blob.length < w * this.suite.size) return undefined;
    return blob.subarray(0, w * this.suite.size);
  }

  /** The entry bundle `index` (C2SP tlog-tiles) at `width` (default: its committed width). */
  async entryBundle(index: bigint, width?: number): Promise<Uint8Array | undefined> {
    const full = tileWidthAt(0, index, this.#sequencer.size);
    const w = width ?? full;
    if (w < 1 || w > full) return undefined;
    const from = index * BigInt(TILE_WIDTH);
    return encodeEntryBundle(await this.#logStore.readEntries(from, from + BigInt(w)));
  }

  /** Entries `[from, to)` as stored (leaf bytes). */
  entries(from: bigint, to: bigint): Promise<Uint8Array[]> {
    return this.#logStore.readEntries(from, to);
  }

  /** The entries about `value` (of `kind`, e.g. `CN_MOBILE`), through its audit identifier. */
  async find(kind: string, value: string, limit = 1000): Promise<FoundEntry[]> {
    return this.findIdentifier(this.identifier(kind, value), limit);
  }

  /** The entries naming an identifier already computed. */
  async findIdentifier(subject: string, limit = 1000): Promise<FoundEntry[]> {
    await this.indexSubjects();
    const indices = await this.#logStore.entriesAbout(subject, limit);
    const found: FoundEntry[] = [];
    for (const index of indices) {
      const [data] = await this.#logStore.readEntries(index, index + 1n);
      const entry = decodeEntry(data!);
      if (entry.subject === subject) found.push({ index, entry }); // the index key may collide
    }
    return found;
  }

  /**
   * Brings the subject index up to the committed size. It is derived from the entries and kept
   * off the append path (a random-key index insert per entry halved the append rate): a timer
   * catches up shortly after appends, and `find` catches up before it searches.
   */
  indexSubjects(): Promise<void> {
    const run = (this.#indexing ?? Promise.resolve())
      .catch(() => {})
      .then(async () => {
        for (;;) {
          const { indexed, size } = await this.#logStore.indexSubjects(
            this.#writer instanceof LogWriterThread ? THREAD_INDEX_CHUNK : INDEX_CHUNK,
          );
          if (indexed >= size || indexed >= this.#sequencer.size) return;
          // SQLite runs each step on this thread: let appends and requests in between steps.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      });
    this.#indexing = run;
    return run;
  }

  #scheduleIndexing(): void {
    if (this.#indexTimer !== undefined) return;
    this.#indexTimer = setTimeout(() => {
      this.#indexTimer = undefined;
      this.indexSubjects().catch(() => {}); // retried after the next append, and by find
    }, INDEX_DELAY_MS);
    this.#indexTimer.unref();
  }

  /** Commits what is queued; stops the timers. The store stays open (the caller's). */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#indexTimer !== undefined) clearTimeout(this.#indexTimer);
    await this.#sequencer.close();
    await this.#indexing?.catch(() => undefined);
    await this.#signing?.catch(() => undefined);
    await this.#writer?.close();
  }
}
