#!/usr/bin/env node
// The `shiming` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script.
import '../dist/cli/run.js';
