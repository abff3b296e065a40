/**
 * The executable entry of the `shiming` command (bin/shiming.js loads the compiled copy).
 *
 * @module
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv);
