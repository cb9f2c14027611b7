#!/usr/bin/env node
// The tensor-box command. CommonJS (see bin/package.json), so that starting it needs no
// ES-module loader; `--version` is answered before anything else is read.
'use strict';

const args = process.argv.slice(2);
const version = () => require('../package.json').version;

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${version()}\n`);
} else {
  require('../dist/cli.cjs')
    .main(args, version())
    .then((code) => {
      process.exitCode = code;
    });
}
