#!/usr/bin/env node
// The installed `openkoi` command. `--version` is answered here, in CommonJS, before Node's ESM loader starts:
// it is the one command people run just to see that openkoi works, so it should be instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const pkg = require("../../package.json") as { version: string };
  process.stdout.write(`openkoi ${pkg.version}\n`);
} else {
  void import("./main.js");
}
