#!/usr/bin/env node
import { main } from './cli/main.js';

void main(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then((code) => {
  // Setting the code rather than calling process.exit lets piped stdout drain first.
  process.exitCode = code;
});
