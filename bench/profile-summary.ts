import fs from 'node:fs';

/**
 * Summarises a V8 CPU profile (node --cpu-prof, or npm run bench -- --profile DIR):
 * self time by package and by function, and inclusive time by function.
 * Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [top N] [filter regexp for the inclusive list]
 *        npx tsx bench/profile-summary.ts FILE.cpuprofile --callers NAME   (who spends the self time of NAME)
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText = '25', filterText] = process.argv.slice(2);
const callersOf = topText === '--callers' ? filterText : undefined;
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [top N] [filter]\n');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const top = callersOf ? 10 : Number(topText);
const filter = filterText && !callersOf ? new RegExp(filterText) : undefined;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Samples inside the profiling hook itself (writing the profile out) are not the app's work.
const inHook = (id: number): boolean => {
  for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) if (byId.get(p)!.callFrame.url.endsWith('profile-hook.cjs')) return true;
  return false;
};
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (!inHook(id)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (!url) return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node core';
  const local = /\/(src|bench|views|test)\//.exec(url);
  return local ? `app ${local[1]}/` : url;
}
const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;

const inclusive = new Map<number, number>();
const visit = (id: number): number => {
  const n = byId.get(id)!;
  const sum = (self.get(id) ?? 0) + (n.children ?? []).reduce((a, c) => a + visit(c), 0);
  inclusive.set(id, sum);
  return sum;
};
const roots = profile.nodes.filter((n) => !parent.has(n.id));
roots.forEach((r) => visit(r.id));

const add = (map: Map<string, number>, k: string, v: number) => map.set(k, (map.get(k) ?? 0) + v);
const selfByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
for (const n of profile.nodes) {
  const s = self.get(n.id) ?? 0;
  const special = n.callFrame.functionName.startsWith('(') && !n.callFrame.url;
  add(selfByPackage, special ? n.callFrame.functionName : where(n.callFrame.url), s);
  add(selfByFunction, key(n), s);
  // Inclusive: count a function once per stack, at its outermost frame.
  let p = parent.get(n.id);
  let nested = false;
  while (p !== undefined) {
    if (key(byId.get(p)!) === key(n)) nested = true;
    p = parent.get(p);
  }
  if (!nested) add(inclusiveByFunction, key(n), inclusive.get(n.id) ?? 0);
}

const print = (title: string, map: Map<string, number>, pick: (k: string) => boolean = () => true) => {
  process.stdout.write(`\n${title}\n`);
  [...map].filter(([k]) => pick(k)).sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => {
    process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(6)}%  ${v.toFixed(0).padStart(7)} ms  ${k}\n`);
  });
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(1)} s sampled\n`);
if (callersOf) {
  const byStack = new Map<string, number>();
  for (const n of profile.nodes.filter((node) => node.callFrame.functionName === callersOf)) {
    const chain: string[] = [];
    for (let p = parent.get(n.id), i = 0; p !== undefined && i < 4; p = parent.get(p), i += 1) chain.push(key(byId.get(p)!));
    add(byStack, chain.join(' < '), self.get(n.id) ?? 0);
  }
  print(`self time of ${callersOf}, by caller chain`, byStack);
  process.exit(0);
}
print('self time by package', selfByPackage);
print('self time by function', selfByFunction);
print(`inclusive time by function${filter ? ` (matching ${filter})` : ''}`, inclusiveByFunction, (k) => (filter ? filter.test(k) : true));
