/**
 * "Where the time goes" from a V8 CPU profile (`node --cpu-prof`): the busy samples (idle left out) grouped by
 * where the code lives (a package under node_modules, a part of node, a library of this repository), with native
 * code (SQLite, JSON, crypto, fsync) counted for the JavaScript frame that called it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
  share: number;
}

export interface WhereTimeGoes {
  busyMs: number;
  idleMs: number;
  byPlace: TimeShare[];
  byFunction: TimeShare[];
}

/** Where a script lives, in words a reader of this repository knows. */
function placeOf(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (modules) return modules[1];
  if (path.startsWith('node:')) {
    const internal = /^node:(?:internal\/)?([^/]+)/.exec(path)?.[1] ?? path;
    return `node:${internal}`;
  }
  const own = /dist\/(libs\/[^/]+\/src(?:\/[^/]+)?|apps\/api\/src\/[^/]+)/.exec(path);
  if (own) return own[1].replace(/\.js$/, '');
  return path || '(native)';
}

/** `lastSeconds`: only the samples of the profile's last seconds (the load, when the service stopped right after it). */
export function whereTimeGoes(profile: Profile, lastSeconds = Infinity): WhereTimeGoes {
  const from = profile.endTime - lastSeconds * 1e6;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // A native frame (no script) is charged to the nearest caller that has one.
  const owner = new Map<number, ProfileNode>();
  const ownerOf = (id: number): ProfileNode => {
    const known = owner.get(id);
    if (known) return known;
    let node = byId.get(id)!;
    const start = node;
    while (!node.callFrame.url && parent.has(node.id) && !node.callFrame.functionName.startsWith('(')) node = byId.get(parent.get(node.id)!)!;
    const found = node.callFrame.url || node.callFrame.functionName.startsWith('(') ? node : start;
    owner.set(id, found);
    return found;
  };
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const micros = profile.timeDeltas[i] ?? 0;
    at += micros;
    if (at < from) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const charged = ownerOf(node.id);
    const frame = charged.callFrame;
    const place = frame.functionName.startsWith('(') ? frame.functionName : placeOf(frame.url);
    places.set(place, (places.get(place) ?? 0) + micros);
    const fn = frame.functionName.startsWith('(') ? frame.functionName : `${frame.functionName || '(anonymous)'} ${placeOf(frame.url)}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
  }
  const shares = (map: Map<string, number>) =>
    [...map.entries()].map(([name, micros]) => ({ name, ms: micros / 1000, share: busy > 0 ? micros / busy : 0 })).sort((a, b) => b.ms - a.ms);
  return { busyMs: busy / 1000, idleMs: idle / 1000, byPlace: shares(places), byFunction: shares(functions) };
}

/** Node names each thread's profile `CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile`; the main thread is 0. */
const threadOf = (file: string) => Number(file.split('.')[4]);

/**
 * The main thread's newest profile written into `dir`, summarised; with the busy time of each other thread (the
 * event store's commit thread, a rebuild's log reader) over the same last seconds, which the main thread's share
 * leaves out.
 */
export function summariseProfileDir(dir: string, lastSeconds?: number): (WhereTimeGoes & { otherThreads: { thread: number; busyMs: number }[] }) | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const main = files.filter((f) => threadOf(f) === 0).at(-1) ?? files.at(-1);
  if (!main) return undefined;
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const otherThreads = files
    .filter((f) => f !== main)
    .map((f) => ({ thread: threadOf(f), busyMs: whereTimeGoes(read(f), lastSeconds).busyMs }))
    .filter((t) => t.busyMs > 0);
  return { ...whereTimeGoes(read(main), lastSeconds), otherThreads };
}

export function printWhereTimeGoes(summary: WhereTimeGoes & { otherThreads?: { thread: number; busyMs: number }[] }, commands: number, top = 15): void {
  const perCommand = commands > 0 ? ` (${((summary.busyMs * 1000) / commands).toFixed(0)} µs of the service's main thread per command answered)` : '';
  console.log(`Where the time goes (service main thread, ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle)${perCommand}:`);
  for (const other of summary.otherThreads ?? []) {
    const each = commands > 0 ? `, ${((other.busyMs * 1000) / commands).toFixed(0)} µs per command` : '';
    console.log(`  (thread ${other.thread} beside it: ${other.busyMs.toFixed(0)} ms busy${each})`);
  }
  for (const place of summary.byPlace.slice(0, top)) console.log(`  ${(place.share * 100).toFixed(1).padStart(5)} %  ${place.name}`);
  console.log('  heaviest functions (self time, native callees included):');
  for (const fn of summary.byFunction.slice(0, top)) console.log(`  ${(fn.share * 100).toFixed(1).padStart(5)} %  ${fn.name}`);
}
