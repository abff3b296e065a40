/**
 * Runs the `shiming` CLI from its TypeScript sources, for when `dist/` has not been built yet.
 * Equivalent to `bin/shiming.js`, which imports the compiled `dist/cli/main.js`.
 *
 * @module
 */
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv);
