/**
 * ISO 7064 MOD 11-2, the check character of 18-character resident ID numbers (GB 11643-1999).
 * Kept here, small, because `crypto/` sits below `pi/` and must not import it; `pi/cn-resident-id.ts`
 * implements the same rule for validation.
 *
 * Check = `CHECK_CHARS[(Σ dᵢ · wᵢ) mod 11]` over the first 17 digits, with weights
 * wᵢ = 2^(17−i) mod 11 = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and `CHECK_CHARS = "10X98765432"`.
 * Example (GB 11643): `11010519491231002` → `X`.
 * @module
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The MOD 11-2 check character of 17 ASCII digits, or `undefined` if `first17` is not that. */
export function mod112CheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = first17.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    sum += d * WEIGHTS[i]!;
  }
  return CHECK_CHARS[sum % 11];
}

/** True if `id` is 17 digits followed by their correct check character (`0`-`9` or upper-case `X`). */
export function hasValidMod112Check(id: string): boolean {
  return id.length === 18 && mod112CheckChar(id.slice(0, 17)) === id[17];
}
