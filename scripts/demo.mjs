#!/usr/bin/env zx
/**
 * npm run demo — the seed's "Example run", narrated: three nodes on free loopback ports, a write, a
 * read from another node, a node killed, a write and a read that keep going, the failure detector
 * marking the dead node suspect then dead, and the Bully leader. Every process it starts is stopped
 * on the way out, whatever happens (Ctrl+C included).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { $, chalk } from 'zx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainJs = path.join(root, 'dist', 'node', 'main.js');
const logDir = mkdtempSync(path.join(tmpdir(), 'godist-demo-'));
const nodes = new Map(); // id → { child, port, events }

$.verbose = false;

const say = (s) => console.log(s);
const step = (n, s) => say(`\n${chalk.bold.cyan(`${n}.`)} ${chalk.bold(s)}`);
const cmd = (s) => say(chalk.gray(`   $ ${s}`));
const show = (label, obj) => say(`   ${label} ${chalk.green(JSON.stringify(obj))}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stopAll() {
  for (const { child } of nodes.values()) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    say(chalk.yellow('\ninterrupted: stopping the nodes'));
    stopAll();
    process.exit(130);
  });
}

/** Events worth narrating as they happen. */
const NARRATE = new Set(['member-joined', 'suspect', 'dead', 'alive', 'leader-elected', 'stopped']);

function describeEvent(e) {
  switch (e.event) {
    case 'member-joined':
      return `learned of ${e.peer} (${e.via})`;
    case 'suspect':
    case 'dead':
    case 'alive':
      return `${e.peer} is now ${chalk.bold(e.event)}: ${e.reason}`;
    case 'leader-elected':
      return e.self ? `elected ${chalk.bold('itself')} leader (${e.reason})` : `follows leader ${chalk.bold(e.leader)} (${e.reason})`;
    case 'stopped':
      return `stopped (${e.reason})`;
    default:
      return e.event;
  }
}

async function startNode(id, port, seedPort) {
  const args = ['--id', id, '--addr', `127.0.0.1:${port}`, '-N', '3', '-R', '2', '-W', '2'];
  if (seedPort) args.push('--seed', `127.0.0.1:${seedPort}`);
  cmd(`npx godist node ${args.join(' ')}`);
  const child = spawn(process.execPath, [mainJs, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(logDir, `${id}.log`));
  const events = [];
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    log.write(chunk);
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const e = JSON.parse(line);
        events.push(e);
        if (NARRATE.has(e.event)) say(chalk.magenta(`   [${id}] `) + describeEvent(e));
      } catch {
        /* not an event */
      }
    }
  });
  child.stderr.pipe(log);
  nodes.set(id, { child, port, events });
  for (let i = 0; i < 500; i++) {
    if (child.exitCode !== null) throw new Error(`${id} exited with code ${child.exitCode}; see ${logDir}/${id}.log`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(20);
  }
  throw new Error(`${id} did not serve /health within 10 s`);
}

async function http(method, port, urlPath, body) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

const status = (port) => http('GET', port, '/cluster/status').then((r) => r.json);

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The fields of an answer a person cares about, and who answered with which version. */
function summary(r) {
  const { key, value, version, writer, acks, replies, coordinator, error } = r.json;
  const out = { status: r.status, ...(error ? { error } : { key, value, version, writer }), coordinator };
  if (acks !== undefined) out.acks = acks;
  if (replies !== undefined) out.replies = replies;
  out.replicas = (r.json.replicas ?? []).map((x) => `${x.node}:${x.ok ? `v${x.version ?? '-'}` : x.pending ? 'pending' : 'failed'}`).join(' ');
  return out;
}

async function main() {
  if (!existsSync(mainJs)) {
    say(chalk.gray('building (npm run build) ...'));
    await $`cd ${root} && npm run build`.nothrow();
    if (!existsSync(mainJs)) throw new Error('the build did not produce dist/node/main.js');
  }
  // The harness's own port picker, from the build the demo runs on.
  const { freePorts } = await import(pathToFileURL(path.join(root, 'dist', 'harness', 'process', 'ports.js')).href);
  const [p1, p2, p3] = await freePorts(3);
  say(chalk.bold('GoDist demo: the seed\'s example run with three real nodes') + chalk.gray(` (node logs in ${logDir})`));

  step(0, 'Start three nodes: node-1, then node-2 and node-3 joining through it');
  await startNode('node-1', p1);
  await startNode('node-2', p2, p1);
  await startNode('node-3', p3, p1);
  await waitFor(async () => {
    const views = await Promise.all([p1, p2, p3].map(status));
    return views.every((v) => v.members.length === 3 && v.members.every((m) => m.state === 'alive') && v.leader);
  }, 10_000, 'the three nodes to know each other');
  const s = await status(p1);
  show('node-1 sees', { leader: s.leader, members: s.members.map((m) => `${m.id}:${m.state}`) });

  step(1, 'Write a value through node-1');
  cmd(`curl -X POST http://127.0.0.1:${p1}/kv/put -H "Content-Type: application/json" -d '{"key":"alpha","value":"first"}'`);
  show('→', summary(await http('POST', p1, '/kv/put', { key: 'alpha', value: 'first' })));

  step(2, 'Read it from another node, node-2');
  cmd(`curl http://127.0.0.1:${p2}/kv/get/alpha`);
  show('→', summary(await http('GET', p2, '/kv/get/alpha')));

  step(3, 'Kill node-2 (Ctrl+C in its terminal)');
  const n2 = nodes.get('node-2').child;
  cmd(`kill -INT ${n2.pid}`);
  n2.kill('SIGINT');
  await new Promise((r) => n2.once('exit', r));

  step(4, 'Write again, through node-3: two of the three replicas still acknowledge (W = 2)');
  cmd(`curl -X POST http://127.0.0.1:${p3}/kv/put -H "Content-Type: application/json" -d '{"key":"alpha","value":"second"}'`);
  show('→', summary(await http('POST', p3, '/kv/put', { key: 'alpha', value: 'second' })));

  step(5, 'Read from node-1: a read quorum (R = 2) still answers, with the new version');
  cmd(`curl http://127.0.0.1:${p1}/kv/get/alpha`);
  show('→', summary(await http('GET', p1, '/kv/get/alpha')));

  step(6, 'Meanwhile the failure detector notices: node-2 turns suspect, then dead');
  await waitFor(async () => (await status(p1)).members.find((m) => m.id === 'node-2')?.state === 'dead', 10_000, 'node-1 to mark node-2 dead');
  await waitFor(async () => (await status(p3)).members.find((m) => m.id === 'node-2')?.state === 'dead', 10_000, 'node-3 to mark node-2 dead');
  cmd(`curl http://127.0.0.1:${p1}/cluster/status`);
  const after = await status(p1);
  show('node-1 sees', { leader: after.leader, members: after.members.map((m) => `${m.id}:${m.state} (heard ${m.lastHeardMs} ms ago)`) });

  step(7, 'The leader, as each live node sees it (Bully: the highest id wins)');
  for (const [id, port] of [['node-1', p1], ['node-3', p3]]) show(`${id} →`, { leader: (await status(port)).leader });

  step(8, 'With node-2 dead, the sloppy replica set of alpha moves to the live nodes');
  show('→', summary(await http('POST', p3, '/kv/put', { key: 'alpha', value: 'third' })));

  say(`\n${chalk.bold('Done.')} Stopping the nodes.`);
  for (const { child } of nodes.values()) if (child.exitCode === null) child.kill('SIGTERM');
  await sleep(300);
  stopAll();
}

try {
  await main();
} catch (e) {
  console.error(chalk.red(`demo failed: ${e?.message ?? e}`));
  stopAll();
  process.exit(1);
}
