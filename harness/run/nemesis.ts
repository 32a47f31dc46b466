import type { HistoryOp } from '../history/op.js';
import type { HistoryWriter } from '../history/writer.js';
import type { Proxies } from '../proxy/mesh.js';
import { set } from '../shared/format.js';
import type { Cluster } from '../systems/types.js';
import type { Fault, FaultWindow } from './nemesis-plan.js';
import type { OwnershipProbe } from './ownership-probe.js';

export interface Nemesis {
  /** What is broken right now, for the progress line. */
  current(): string | undefined;
  /** Ends the fault in progress, then heals every link, resumes and restarts every node. */
  stop(): Promise<void>;
  /** Resolves when the schedule has run out (or stop() finished). */
  done: Promise<void>;
}

export interface NemesisOptions {
  plan: readonly FaultWindow[];
  cluster: Cluster;
  history: HistoryWriter;
  /** history.now() at which the workload began: the plan's offsets count from there. */
  origin: number;
  /** Measures each membership change on the members' rings, within the change's window; none: not measured. */
  ownership?: OwnershipProbe;
  /** Called after each join or leave, once its record is in the history (the run keeps run.json's nodes current). */
  onMembersChanged?: () => void;
}

/**
 * Plays the fault schedule against the cluster and proxies. Each fault's start and end is a nemesis
 * record in the history (f = kill/start, pause/resume, partition/heal, delay/heal) whose value
 * names the targets, written once the fault has taken effect. A membership change is one record,
 * `join` or `leave`, naming the node and the members after it; it is never undone.
 */
export function startNemesis(o: NemesisOptions): Nemesis {
  let stopped = false;
  let wake: (() => void) | undefined;
  let active: Fault | undefined;

  const sleepUntil = async (offsetS: number) => {
    const ms = (o.origin + offsetS * 1e9 - o.history.now()) / 1e6;
    if (ms <= 0 || stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  };

  const record = (f: string, value: Record<string, unknown>) => o.history.append({ type: 'info', process: 'nemesis', f, value });

  const done = (async () => {
    for (const window of o.plan) {
      await sleepUntil(window.start);
      if (stopped) break;
      active = window.fault;
      const { measuring } = await begin(o, window, record, () => stopped);
      await sleepUntil(window.end);
      await measuring;
      await end(o, window.fault, record);
      active = undefined;
      if (stopped) break;
    }
  })();

  return {
    current: () => active?.description,
    done,
    async stop() {
      stopped = true;
      wake?.();
      await done;
      await restoreAll(o, record);
    },
  };
}

type Record_ = (f: string, value: Record<string, unknown>) => HistoryOp;

/** Starts the window's fault; for a membership change, hands back the measurement of it, under way. */
async function begin(o: NemesisOptions, window: FaultWindow, record: Record_, stopped: () => boolean): Promise<{ measuring?: Promise<unknown> }> {
  const fault = window.fault;
  switch (fault.kind) {
    case 'kill':
      await Promise.all(fault.nodes.map((id) => o.cluster.kill(id)));
      record('kill', { nodes: fault.nodes, description: fault.description });
      return {};
    case 'pause':
      for (const id of fault.nodes) o.cluster.pause(id);
      record('pause', { nodes: fault.nodes, description: fault.description });
      return {};
    case 'partition':
      links(o).apply({ cut: fault.topology.cut });
      record('partition', {
        topology: fault.topology.name,
        groups: fault.topology.groups,
        cut: fault.topology.cut,
        description: fault.description,
      });
      return {};
    case 'delay':
      links(o).delay(fault.links, { ms: fault.ms, jitterMs: fault.jitterMs });
      record('delay', { links: fault.links, ms: fault.ms, jitterMs: fault.jitterMs, description: fault.description });
      return {};
    case 'join':
    case 'leave': {
      const before = await o.ownership?.snapshot();
      if (fault.kind === 'join') await changes(o).join(fault.node);
      else await changes(o).leave(fault.node);
      const op = record(fault.kind, { node: fault.node, nodes: [fault.node], members: [...o.cluster.ids], description: fault.description });
      o.onMembersChanged?.();
      if (!o.ownership || !before) return {};
      // The ring gets the rest of the window to settle, and at least a second.
      const deadline = Math.max(o.origin + window.end * 1e9, op.time + 1e9);
      return { measuring: o.ownership.settle({ f: fault.kind, node: fault.node, time: op.time }, before, deadline, stopped) };
    }
  }
}

async function end(o: NemesisOptions, fault: Fault, record: Record_): Promise<void> {
  switch (fault.kind) {
    case 'kill':
      await Promise.all(fault.nodes.map((id) => o.cluster.start(id)));
      record('start', { nodes: fault.nodes, description: `restarted ${set(fault.nodes)}` });
      return;
    case 'pause':
      for (const id of fault.nodes) o.cluster.resume(id);
      record('resume', { nodes: fault.nodes, description: `resumed ${set(fault.nodes)}` });
      return;
    case 'partition':
      links(o).heal();
      record('heal', { description: 'healed the partition' });
      return;
    case 'delay':
      links(o).undelay(fault.links);
      record('heal', { description: 'removed the delay' });
      return;
    case 'join':
    case 'leave':
      // For good: the rest of the window let the ring settle.
      return;
  }
}

/** Whatever the schedule left broken (an interrupted fault, a crashed node) is mended here. */
async function restoreAll(o: NemesisOptions, record: Record_): Promise<void> {
  o.cluster.links?.healAll();
  const paused = o.cluster.ids.filter((id) => o.cluster.state(id) === 'paused');
  for (const id of paused) o.cluster.resume(id);
  if (paused.length > 0) record('resume', { nodes: paused, description: `resumed ${set(paused)}` });
  const down = o.cluster.ids.filter((id) => o.cluster.state(id) === 'killed');
  await Promise.all(down.map((id) => o.cluster.start(id)));
  if (down.length > 0) record('start', { nodes: down, description: `restarted ${set(down)}` });
}

/** The cluster's joins and leaves; a system without them is never given membership changes (its settings say so first). */
function changes(o: NemesisOptions): Required<Pick<Cluster, 'join' | 'leave'>> {
  const c = o.cluster;
  if (!c.join || !c.leave) throw new Error('a membership change on a system whose cluster cannot grow or shrink');
  return c as Required<Pick<Cluster, 'join' | 'leave'>>;
}

/** The cluster's links; a system without them is never given link faults (its settings say so first). */
function links(o: NemesisOptions): Proxies {
  if (!o.cluster.links) throw new Error('a link fault on a system whose links do not pass through the harness');
  return o.cluster.links;
}
