#!/usr/bin/env node
// The `shiming` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script.
// Node 22.13 is the oldest with what Shiming uses unflagged (node:sqlite); say so plainly
// instead of failing on an import deep inside. `npx shiming` in the project uses the pinned 24.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `shiming: needs Node.js 22.13 or later (this is ${process.version}); inside the project, \`npx shiming\` runs the pinned Node 24\n`,
  );
  process.exit(2);
}
await import('../dist/cli/run.js');
