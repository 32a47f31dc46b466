#!/usr/bin/env node
/** Entry point: `node dist/node/main.js --id node-1 --addr 127.0.0.1:8081 ...` (same flags as `godist node`). */
import { runNode } from './run.js';

await runNode(process.argv.slice(2));
