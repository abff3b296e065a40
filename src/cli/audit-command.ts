/**
 * `shiming audit …`: the audit log from the command line — print checkpoints and the log key,
 * verify a log against a trusted checkpoint (exit 1 on any fork, rollback or mismatch), export and
 * import tile directories, find entries by audit hash, run a witness. No rules here.
 *
 * @module
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseCheckpoint } from '../audit/checkpoint.ts';
import { AuditError, VerificationError } from '../audit/errors.ts';
import { type HashAlgorithm, hashSuite } from '../audit/hash-suite.ts';
import { LogStore } from '../audit/log/log-store.ts';
import { openAuditLog, openAuditStore } from '../audit/log/open-from-config.ts';
import { DirLogSource, exportLog, importLog } from '../audit/log/tile-dir.ts';
import { readTrustedState, writeTrustedState } from '../audit/log/trusted-state.ts';
import { type LogSource, verifyLog } from '../audit/log/verify-log.ts';
import { parseVerifierKey } from '../audit/note-keys.ts';
import { parseNote } from '../audit/signed-note.ts';
import { loadConfig, type ShimingConfig } from '../config/config.ts';
import { isPiTypeId } from '../pi/catalogue.ts';
import type { CliIo } from './scan-command.ts';
import { witnessCommand, witnessKeyCommand } from './witness-command.ts';

interface GlobalOptions {
  data?: string;
  database?: string;
  log: string;
}

function config(opts: GlobalOptions): ShimingConfig {
  return loadConfig({
    overrides: {
      ...(opts.data === undefined ? {} : { dataDir: opts.data }),
      ...(opts.database === undefined ? {} : { databaseUrl: opts.database }),
    },
  });
}

function parseIndex(value: string): bigint {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return BigInt(value);
}

function parseVkey(value: string): string {
  try {
    parseVerifierKey(value);
  } catch {
    throw new InvalidArgumentError('expected a C2SP verifier key: <name>+<hex id>+<base64 key>');
  }
  return value;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, parseVkey(value)];
}

const withDb = (cmd: Command) =>
  cmd
    .option('--data <dir>', 'data directory (default ./data, or SHIMING_DATA_DIR)')
    .option(
      '--database <url>',
      'database URL (postgres://… or sqlite:FILE; default SQLite in the data directory)',
    )
    .addOption(
      new Option('--log <id>', 'log id in the database (a mirror: mirror:<origin>)').default('main'),
    );

export function auditCommand(io: CliIo, setExit: (code: number) => void): Command {
  const out = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  const audit = new Command('audit').description(
    'the tamper-evident audit log: checkpoints, verification, export, search',
  );

  withDb(audit.command('checkpoint'))
    .description('print the latest signed checkpoint (C2SP signed note)')
    .option('--new', 'sign a checkpoint of the current tree now')
    .option('--json', 'print {origin, size, root, logKey, note}')
    .action(async (opts: GlobalOptions & { new?: boolean; json?: boolean }) => {
      const opened = await openAuditLog(config(opts), { log: { checkpointIntervalMs: 0 } });
      try {
        const note = opts.new ? await opened.log.checkpoint() : await opened.log.latestCheckpoint();
        if (note === undefined) {
          io.stderr.write('shiming: no checkpoint yet; run `shiming audit checkpoint --new`\n');
          setExit(2);
          return;
        }
        if (opts.json) {
          const cp = parseCheckpoint(parseNote(note).text);
          out(
            JSON.stringify({
              origin: cp.origin,
              size: cp.size.toString(),
              root: Buffer.from(cp.root).toString('base64'),
              logKey: opened.log.verifierKey,
              note,
            }),
          );
        } else out(note);
      } finally {
        await opened.close();
      }
    });

  withDb(audit.command('key'))
    .description("print the log's verifier key, for regulators to pin")
    .action(async (opts: GlobalOptions) => {
      const opened = await openAuditLog(config(opts), { log: { checkpointIntervalMs: 0 } });
      try {
        out(opened.log.verifierKey);
      } finally {
        await opened.close();
      }
    });

  withDb(audit.command('verify'))
    .description('verify the log against a trusted checkpoint; exit 1 on any fork, rollback or mismatch')
    .requiredOption(
      '--trusted <file>',
      'trusted state (JSON); created on first use with --log-key, updated only on success',
    )
    .option(
      '--log-key <vkey>',
      "the log's verifier key (required when the trusted file does not exist yet)",
      parseVkey,
    )
    .option('--witness-key <vkey>', 'a witness cosignature key to require (repeatable)', collect)
    .option('--quorum <n>', 'how many of the witnesses must have cosigned (default all)', (v) =>
      Number(parseIndex(v)),
    )
    .option('--source <dir>', 'verify an exported tile directory instead of the database')
    .option('--replay', 'replay every entry from the start, not only those since the trusted checkpoint')
    .option(
      '--hash <alg>',
      'hash algorithm of the log: sha256 or sm3 (default sha256, or what the database says)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: GlobalOptions & VerifyFlags) => {
      setExit(await runVerify(opts, io));
    });

  withDb(audit.command('export'))
    .description('write the latest checkpoint, its tiles and entry bundles as a C2SP tlog-tiles directory')
    .requiredOption('--out <dir>', 'target directory')
    .option('--from <index>', 'first entry to include', parseIndex)
    .option('--to <index>', 'end of the entries (exclusive)', parseIndex)
    .action(async (opts: GlobalOptions & { out: string; from?: bigint; to?: bigint }) => {
      const store = await openAuditStore(config(opts));
      try {
        const source = new LogStore(store.db, store.dialect, opts.log).asSource();
        const r = await exportLog(source, opts.out, {
          ...(opts.from === undefined ? {} : { from: opts.from }),
          ...(opts.to === undefined ? {} : { to: opts.to }),
        });
        out(
          `exported tree size ${r.size}: ${r.tiles} tiles, ${r.bundles} entry bundles (${r.entries} entries) → ${opts.out}`,
        );
      } finally {
        await store.close();
      }
    });

  withDb(audit.command('import'))
    .description("verify an exported directory against the log's key and keep it as a local mirror")
    .requiredOption('--in <dir>', 'exported directory')
    .requiredOption('--log-key <vkey>', "the log's verifier key", parseVkey)
    .option('--hash <alg>', 'hash algorithm of the log: sha256 or sm3', 'sha256')
    .action(async (opts: GlobalOptions & { in: string; logKey: string; hash: string }) => {
      const suite = hashSuite(algorithmOf(opts.hash));
      const store = await openAuditStore(config(opts));
      try {
        const r = await importLog(opts.in, store, { logKey: opts.logKey, suite });
        out(
          `imported ${r.entries} entries of tree size ${r.size} as log "${r.logId}" (use --log ${r.logId})`,
        );
      } catch (error) {
        if (!(error instanceof VerificationError)) throw error;
        io.stderr.write(`VERIFICATION FAILED (${error.code}): ${error.message}\n`);
        setExit(1);
      } finally {
        await store.close();
      }
    });

  withDb(audit.command('find'))
    .description('list the entries about a value, through its audit hash (the log holds no values)')
    .option('--value <value>', 'the value (needs the root key to compute its audit hash)')
    .option(
      '--type <type>',
      'its kind: a PI type id (CN_RESIDENT_ID, CN_MOBILE…) or another name',
      'CN_RESIDENT_ID',
    )
    .option('--hash <identifier>', 'an audit hash already computed (hmac-sha256:… or hmac-sm3:…)')
    .option('--json', 'one JSON object per entry')
    .action(async (opts: GlobalOptions & { value?: string; type: string; hash?: string; json?: boolean }) => {
      if ((opts.value === undefined) === (opts.hash === undefined)) {
        throw new InvalidArgumentError('give exactly one of --value and --hash');
      }
      const type = opts.type.toUpperCase();
      const kind = isPiTypeId(type) ? type : opts.type;
      const opened = await openAuditLog(config(opts), { log: { checkpointIntervalMs: 0 } });
      try {
        const found =
          opts.hash !== undefined
            ? await opened.log.findIdentifier(opts.hash)
            : await opened.log.find(kind, opts.value!);
        for (const f of found) {
          const e = f.entry;
          out(
            opts.json
              ? JSON.stringify({ index: f.index.toString(), ...e })
              : `${f.index}\t${e.time}\t${e.tenant}\t${e.actor}\t${e.role}\t${e.action}\t${e.purpose}\t${e.outcome}`,
          );
        }
        if (!opts.json) io.stderr.write(`${found.length} entries\n`);
      } finally {
        await opened.close();
      }
    });

  audit.addCommand(witnessCommand(io));
  audit.addCommand(witnessKeyCommand(io));
  return audit;
}

interface VerifyFlags {
  trusted: string;
  logKey?: string;
  witnessKey?: string[];
  quorum?: number;
  source?: string;
  replay?: boolean;
  hash?: string;
  json?: boolean;
}

function algorithmOf(value: string): HashAlgorithm {
  if (value !== 'sha256' && value !== 'sm3') throw new InvalidArgumentError('--hash must be sha256 or sm3');
  return value;
}

async function runVerify(opts: GlobalOptions & VerifyFlags, io: CliIo): Promise<number> {
  const state = await readTrustedState(opts.trusted);
  if (state === undefined && opts.logKey === undefined) {
    io.stderr.write(
      `shiming: ${opts.trusted} does not exist; give --log-key to trust this log from its first entry\n`,
    );
    return 2;
  }
  if (state !== undefined && opts.logKey !== undefined && opts.logKey !== state.logKey) {
    io.stderr.write(`shiming: --log-key differs from the key pinned in ${opts.trusted}\n`);
    return 2;
  }
  const logKey = state?.logKey ?? opts.logKey!;
  const witnessKeys = opts.witnessKey ?? state?.witnessKeys ?? [];
  const quorum = opts.quorum ?? state?.quorum ?? witnessKeys.length;
  if (quorum > witnessKeys.length) {
    io.stderr.write('shiming: --quorum is larger than the number of witness keys\n');
    return 2;
  }

  let source: LogSource;
  let algorithm: HashAlgorithm = algorithmOf(opts.hash ?? 'sha256');
  let close = async () => {};
  if (opts.source !== undefined) {
    const dir = new DirLogSource(opts.source);
    const note = await dir.latestCheckpoint();
    if (note !== undefined) {
      try {
        dir.setSize(parseCheckpoint(parseNote(note).text).size);
      } catch {
        // A malformed checkpoint is reported by verifyLog with its reason.
      }
    }
    source = dir;
  } else {
    const store = await openAuditStore(config(opts));
    close = () => store.close();
    const logStore = new LogStore(store.db, store.dialect, opts.log);
    const row = await logStore.readLog();
    if (row !== undefined && opts.hash === undefined) algorithm = algorithmOf(row.hashAlgorithm);
    source = logStore.asSource();
  }
  try {
    const result = await verifyLog({
      source,
      suite: hashSuite(algorithm),
      logKey,
      witnessKeys,
      quorum,
      replay: opts.replay === true,
      ...(state?.checkpoint === undefined ? {} : { trusted: state.checkpoint }),
    });
    await writeTrustedState(opts.trusted, { logKey, witnessKeys, quorum, checkpoint: result.note });
    const size = result.checkpoint.size;
    const message = `ok: ${result.checkpoint.origin} verified at size ${size} (trusted before: ${result.previousSize}); ${result.entriesChecked} entries hashed${opts.replay ? ' (full replay)' : ''}`;
    io.stdout.write(
      opts.json
        ? `${JSON.stringify({ ok: true, origin: result.checkpoint.origin, size: size.toString(), previousSize: result.previousSize.toString(), entriesChecked: result.entriesChecked.toString() })}\n`
        : `${message}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    const reason = REASONS[error.code] ?? 'the log does not match what was signed';
    io.stdout.write(
      opts.json
        ? `${JSON.stringify({ ok: false, code: error.code, reason, message: error.message })}\n`
        : `VERIFICATION FAILED (${error.code}): ${reason}\n  ${error.message}\n  ${opts.trusted} was not changed.\n`,
    );
    return 1;
  } finally {
    await close();
  }
}

/** What each failure means for a regulator. */
const REASONS: Readonly<Record<string, string>> = {
  ROLLBACK: 'the log is shorter than a checkpoint it signed before: entries were removed (truncation)',
  FORK: 'the log is not an extension of the trusted checkpoint: history was rewritten (fork)',
  REPLAY_MISMATCH:
    'the stored entries do not hash to the signed tree: entries were edited, reordered or removed',
  BAD_SIGNATURE: 'a signature on the checkpoint is invalid',
  NO_TRUSTED_SIGNATURE: 'the checkpoint is not signed by the pinned log key',
  WRONG_ORIGIN: 'the checkpoint is for another log',
  WITNESS_QUORUM: 'too few of the pinned witnesses cosigned the checkpoint',
  MALFORMED: 'the checkpoint or proof is malformed',
  MALFORMED_NOTE: 'the checkpoint note is malformed',
  MALFORMED_CHECKPOINT: 'the checkpoint body is malformed',
  MISSING_TILE: 'tiles needed for the proof are missing',
  MISSING_ENTRY: 'entries are missing',
};
