#!/usr/bin/env node
// What `npm test` needs beyond npm: Debian's Chromium (the report's browser test) and etcd-server
// (etcd as a system under test). Installs what is missing with apt-get when it can (root, or sudo
// without a password); otherwise says the one command to run, and stops the tests before they start.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';

const needs = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'etcd-server', present: () => onPath('etcd') },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y ${missing.join(' ')}`;
const root = process.getuid?.() === 0;
const sudo = !root && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!onPath('apt-get') || (!root && !sudo)) {
  process.stderr.write(`npm test needs ${missing.join(' and ')} (Debian packages). Install them with:\n  sudo apt-get update && sudo ${command}\nthen run npm test again.\n`);
  process.exit(1);
}

const run = (args) => execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
process.stderr.write(`npm test: installing ${missing.join(', ')} with apt-get (once)\n`);
// etcd-server's install starts an etcd service on the default ports unless policy-rc.d says no:
// say no for the length of the install (unless the machine already does).
const policy = '/usr/sbin/policy-rc.d';
const ownPolicy = root && !existsSync(policy);
if (ownPolicy) {
  writeFileSync(policy, '#!/bin/sh\nexit 101\n');
  chmodSync(policy, 0o755);
}
try {
  run(['apt-get', 'update', '-qq']);
  // --reinstall: a package whose files were removed by hand is put back too.
  run(['apt-get', 'install', '-y', '-qq', '--reinstall', ...missing]);
} finally {
  if (ownPolicy) rmSync(policy, { force: true });
}
// Where no policy held it back (no root of ours to write one), stop the service the install started.
for (const pidfile of ['/run/etcd.pid', '/var/run/etcd.pid']) {
  if (!existsSync(pidfile)) continue;
  try {
    process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGTERM');
  } catch {
    // already gone
  }
}
const still = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (still.length > 0) {
  process.stderr.write(`npm test: ${still.join(' and ')} still missing after apt-get; install ${still.join(' ')} and run npm test again\n`);
  process.exit(1);
}
