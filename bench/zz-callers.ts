import fs from 'node:fs';
const [file, ...names] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file!, 'utf8'));
const self = new Map<number, number>();
p.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + p.timeDeltas[i] / 1000));
const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: any) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
for (const name of names) {
  const agg = new Map<string, number>();
  for (const n of p.nodes) {
    if (n.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    let q = parent.get(n.id);
    for (let i = 0; i < 4 && q !== undefined; i++) { chain.push(key(byId.get(q))); q = parent.get(q); }
    const k = chain.join(' < ');
    agg.set(k, (agg.get(k) ?? 0) + (self.get(n.id) ?? 0));
  }
  console.log(`\n== ${name}`);
  [...agg].sort((a, b) => b[1] - a[1]).slice(0, 6).forEach(([k, v]) => console.log(v.toFixed(0).padStart(6), 'ms', k));
}
