import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No module imports itself back, not even through a type-only import: a cycle makes the order
 * modules load in matter, and makes "what depends on what" unreadable. Every import in the app's
 * own code (lib, app, components, pages, scripts, the root files) is followed, `import type` included.
 */
const ROOT = path.resolve(__dirname, '../..');
const DIRS = ['lib', 'app', 'components', 'pages', 'scripts'];
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/')
    ? path.join(ROOT, specifier.slice(2))
    : specifier.startsWith('.')
      ? path.resolve(path.dirname(from), specifier)
      : null;
  if (!base) return null; // a package
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  for (const ext of EXTENSIONS) if (fs.existsSync(base + ext)) return base + ext;
  return null;
}

function importGraph(): Map<string, string[]> {
  const files = [
    ...DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d))),
    ...['proxy.ts', 'instrumentation.ts'].map((f) => path.join(ROOT, f)),
  ];
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((i) => resolve(file, i.fileName)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle, each reported once, as a list of files relative to the repository. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next)).map((f) => path.relative(ROOT, f));
        found.set([...cycle].sort().join(' '), cycle);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return [...found.values()];
}

describe('the module graph', () => {
  it('has no import cycles, type-only imports included', () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it('is read completely: the check sees aliased, relative and type-only imports', () => {
    const graph = importGraph();
    const deps = (file: string) => (graph.get(path.join(ROOT, file)) ?? []).map((f) => path.relative(ROOT, f));
    expect(deps('lib/jobs/runner.ts')).toContain('lib/jobs/context.ts');
    expect(deps('lib/install/pipeline.ts')).toContain('lib/install/remote.ts');
    expect(deps('lib/install/node-images.ts')).toContain('lib/jobs/context.ts'); // `import type` only
  });
});
