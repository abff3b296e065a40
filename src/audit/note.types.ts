/**
 * Signer and verifier interfaces of C2SP signed notes (the shape of Go's `note.Signer` /
 * `note.Verifier`), so log keys, witness cosigners and future key types (an HSM, SM2) plug into the
 * same note code.
 *
 * @module
 */

/** Checks signatures by one key. `(name, keyHash)` identifies it in signature lines. */
export interface NoteVerifier {
  /** Key name: non-empty, no Unicode spaces, no `+`. */
  readonly name: string;
  /** The 4-byte key ID as an unsigned 32-bit integer. */
  readonly keyHash: number;
  /** Whether `signature` (without the 4-byte key ID) is valid for the note text bytes. Never throws. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs note texts with one key. */
export interface NoteSigner {
  /** Key name, as in {@link NoteVerifier.name}. */
  readonly name: string;
  /** Key ID, as in {@link NoteVerifier.keyHash}. */
  readonly keyHash: number;
  /** Signature bytes (without the key ID) over the note text bytes. May be remote (KMS, HSM). */
  sign(text: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
