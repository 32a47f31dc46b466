#!/usr/bin/env node
// tsc writes dist/ with mode 644. npx links a package's bins and makes them executable only when it
// first installs the package into its cache; a clean clone at a path npx has seen before (a CI
// machine's checkout) reuses that link, and `npx godist` then fails with "Permission denied".
// So the build itself marks every bin package.json names as executable.
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) chmodSync(new URL(`../${bin}`, import.meta.url), 0o755);
