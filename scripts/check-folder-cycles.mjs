// Fails when the folders of shared/ import each other in a cycle (ci → schemas → ci, …). Module-level
// cycle finders (madge, dependency-cruiser's no-circular) miss these: every file can be acyclic while
// two folders still depend on each other, which is what makes a folder impossible to read on its own.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = join(ROOT, 'shared');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** shared/ci/x.ts → "ci/"; a file at the top (app.ts, deadline.ts) is a node of its own. */
const folderOf = (file) => {
  const rel = relative(SHARED, file);
  return rel.includes('/') ? `${rel.split('/')[0]}/` : rel;
};

const edges = new Map();
for (const file of files(SHARED)) {
  const from = folderOf(file);
  for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const target = resolve(dirname(file), ref.fileName);
    if (!target.startsWith(SHARED + '/')) continue;
    const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, relative(ROOT, file));
  }
}

// Depth-first search for a back edge; report each cycle once with the file that closes each step.
const cycles = [];
const state = new Map();
function visit(folder, path) {
  state.set(folder, 'open');
  for (const [next] of edges.get(folder) ?? []) {
    if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), folder, next]);
    else if (!state.has(next)) visit(next, [...path, folder]);
  }
  state.set(folder, 'done');
}
for (const folder of edges.keys()) if (!state.has(folder)) visit(folder, []);

if (cycles.length === 0) {
  console.log(`shared/: ${edges.size} folders, no import cycle between them`);
} else {
  for (const cycle of cycles) {
    const steps = cycle.slice(1).map((to, i) => `${cycle[i]} → ${to} (${edges.get(cycle[i]).get(to)})`);
    console.error(`folder cycle: ${steps.join(', ')}`);
  }
  process.exit(1);
}
