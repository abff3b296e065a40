/**
 * Shiming as a library: the PI catalogue and the scanner.
 *
 * @example
 * ```ts
 * import { scanText, mask } from 'shiming';
 * scanText('手机13812345678').map((f) => f.masked); // ['138****5678']
 * mask('CN_RESIDENT_ID', '11010519491231002X');     // '110105********002X'
 * ```
 * @module
 */
export * from './pi/index.ts';
export * from './scan/index.ts';
export { VERSION } from './version.ts';
