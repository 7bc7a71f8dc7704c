/**
 * `npm run bench -- --only browser`: the training bench's figures (src/bench/benchMain.ts)
 * measured in headless Debian Chromium, so the gap between Node and the browser is known.
 *
 *   npm run bench -- --only browser [--backends cpu,wasm-1,wasm-2t,wasm-1,wasm-2t,webgl,webgpu]
 *        [--models m1,m2,m3] [--batches 3] [--budget 10] [--rows 5530] [--port 4180] [--tag name]
 *
 * It builds a small bench page (src/bench/browser/) with the app's own vite.config.ts (same
 * plugins, worker bundling, COOP/COEP headers and backend loaders as the production build) into
 * dist-bench/, serves it with `vite preview` on its own port, and runs each backend in a fresh
 * module worker of that page: M1, M2, M3 at d = 1582 (urdu-is10.csv repeated to 5 530 rows),
 * batch 64, width scale 1. Per cell: one warm-up mini-batch, then up to --batches timed
 * mini-batches of the first (D2-training) epoch, stopping early once --budget seconds were timed,
 * extrapolated to the epoch's 87 batches. GPU backends are forced (here they are SwiftShader,
 * which auto mode passes over) and their dispatches (WebGPU) / draw calls (WebGL) per mini-batch
 * are counted. Backends: cpu, wasm-1 (single-threaded SIMD build), wasm-<n>t (threaded SIMD build
 * with n threads; needs the page to be cross-origin isolated), webgl, webgpu. A backend listed
 * twice runs twice (interleaved, in fresh workers) and the table keeps each cell's faster run:
 * this machine's 2 cores are shared, and the key comparison (1 vs 2 WASM threads) is repeated
 * by default. A full default run takes about 10-15 minutes here (WebGPU on SwiftShader is most).
 * Writes bench-results/browser-<date>.json and .md, and prints the table.
 *
 * Bundled with esbuild like every bench section (src/node/runBundled.ts); vite and Playwright are
 * imported by a computed name so they stay unbundled and resolve from node_modules.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { BenchCell, BenchConfig, BenchMessage } from './browser/bench.worker';
import { optionGetter } from './argv';
import { CHROMIUM_FLAGS, WEBGPU_FLAG } from '../../e2e/chromium';

// npm runs scripts from the package root (REPO_ROOT of runBundled.ts would point into the bundle's cache folder).
const REPO_ROOT = process.cwd();

type Vite = typeof import('vite');
type Playwright = typeof import('@playwright/test');

interface Args {
  backends: string[];
  models: Array<'m1' | 'm2' | 'm3'>;
  batches: number;
  budgetS: number;
  rows: number;
  port: number;
  out: string;
  data: string;
  /** Appended to the output's name: browser-<date>-<tag>.json. */
  tag: string;
}

function parseArgs(argv: string[]): Args {
  const get = optionGetter(argv);
  return {
    backends: (get('backends') ?? 'cpu,wasm-1,wasm-2t,wasm-1,wasm-2t,webgl,webgpu').split(','),
    models: (get('models') ?? 'm1,m2,m3').split(',') as Args['models'],
    batches: Number(get('batches') ?? 3),
    budgetS: Number(get('budget') ?? 10),
    rows: Number(get('rows') ?? 5530),
    port: Number(get('port') ?? 4180),
    out: get('out') ?? path.join(REPO_ROOT, 'bench-results'),
    data: get('data') ?? path.resolve(REPO_ROOT, '../shared/data'),
    tag: get('tag') ?? '',
  };
}

const CHROMIUM_ARGS = [...CHROMIUM_FLAGS, WEBGPU_FLAG];

const LABELS: Record<string, string> = {
  cpu: 'CPU (plain JS)',
  'wasm-1': 'WASM (SIMD, 1 thread)',
  webgl: 'WebGL (SwiftShader, forced)',
  webgpu: 'WebGPU (SwiftShader, forced)',
};
const label = (b: string) => LABELS[b] ?? (/^wasm-(\d+)t$/.test(b) ? `WASM (SIMD, ${b.slice(5, -1)} threads)` : b);

function configFor(backend: string, args: Args): BenchConfig {
  const base = { label: backend, models: args.models, dataUrl: '/bench-data/urdu-is10.csv', rows: args.rows, batches: args.batches, budgetMs: args.budgetS * 1000 };
  const m = /^wasm-(\d+)t?$/.exec(backend);
  if (m) return { ...base, backend: 'wasm', wasmThreads: Number(m[1]) };
  if (backend === 'cpu' || backend === 'webgl' || backend === 'webgpu') return { ...base, backend };
  throw new Error(`unknown backend ${backend} (cpu, wasm-1, wasm-<n>t, webgl, webgpu)`);
}

/** The newest Node bench (benchMain.ts) figures at d = 1582, for the Node column. */
function nodeFigures(dir: string): { file: string; cells: Array<{ backend: string; model: string; d: number; epochSeconds: number }> } | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => /^bench-\d{4}-\d\d-\d\d\.json$/.test(f)).sort();
  const file = files.at(-1);
  if (!file) return null;
  const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { cells: Array<{ backend: string; model: string; d: number; epochSeconds: number }> };
  return { file, cells: json.cells.filter((c) => c.d === 1582) };
}

function chromiumVersion(exe: string): string {
  try {
    return execFileSync(exe, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'Chromium (version unknown)';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(exe)) throw new Error(`${exe} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const csv = path.join(args.data, 'urdu-is10.csv');
  if (!existsSync(csv)) throw new Error(`${csv} is missing (--data DIR)`);
  const configs = args.backends.map((b) => configFor(b, args));

  const viteName = 'vite';
  const pwName = '@playwright/test';
  const vite = (await import(/* @vite-ignore */ viteName)) as Vite;
  const { chromium } = (await import(/* @vite-ignore */ pwName)) as Playwright;

  // The bench page, built from the current sources with the app's config (its own outDir, so
  // it never touches dist/ or another checkout's build).
  const outDir = path.join(REPO_ROOT, 'dist-bench');
  console.log('building the bench page (vite build, the app\'s vite.config.ts) into dist-bench/ ...');
  await vite.build({
    root: REPO_ROOT,
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: path.join(REPO_ROOT, 'src/bench/browser/index.html') } },
  });
  mkdirSync(path.join(outDir, 'bench-data'), { recursive: true });
  copyFileSync(csv, path.join(outDir, 'bench-data', 'urdu-is10.csv'));

  const server = await vite.preview({
    root: REPO_ROOT,
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
    preview: { port: args.port, strictPort: true, host: '127.0.0.1' },
  });
  const url = `http://127.0.0.1:${args.port}/src/bench/browser/index.html`;
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  const cells: BenchCell[] = [];
  const backends: Array<{ label: string; backend: string; detail: string; error?: string }> = [];
  let isolated = false;
  let hardwareConcurrency = 0;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      const t = m.text();
      if (!t.startsWith('bench: ')) return;
      const msg = JSON.parse(t.slice(7)) as BenchMessage;
      if (msg.type === 'ready') console.log(`  ${msg.backend}: ${msg.detail}`);
      else if (msg.type === 'cell') {
        const c = msg.cell;
        console.log(`  ${c.label} ${c.model}: ${c.msPerBatch.toFixed(0)} ms/batch (${c.batchesTimed} timed after a ${c.warmupMs.toFixed(0)} ms warm-up) -> ${c.epochSeconds.toFixed(1)} s/epoch${c.dispatchesPerBatch != null ? `, ${c.dispatchesPerBatch.toFixed(0)} dispatches/batch` : ''}`);
      } else if (msg.type === 'error') console.log(`  error: ${msg.message}`);
    });
    page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => 'benchRun' in window);
    [isolated, hardwareConcurrency] = await page.evaluate(() => [self.crossOriginIsolated, navigator.hardwareConcurrency] as [boolean, number]);
    console.log(`page ${url}: crossOriginIsolated=${isolated}, hardwareConcurrency=${hardwareConcurrency}`);
    for (const cfg of configs) {
      console.log(`\n${label(cfg.label)}`);
      const msgs = await page.evaluate((c) => (window as unknown as { benchRun: (c: BenchConfig) => Promise<BenchMessage[]> }).benchRun(c), cfg);
      const ready = msgs.find((m) => m.type === 'ready');
      const err = msgs.find((m) => m.type === 'error');
      backends.push({ label: cfg.label, backend: ready?.type === 'ready' ? ready.backend : cfg.backend, detail: ready?.type === 'ready' ? ready.detail : '', ...(err?.type === 'error' ? { error: err.message } : {}) });
      for (const m of msgs) if (m.type === 'cell') cells.push(m.cell);
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }

  const cpu = os.cpus();
  const machine = {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    browser: `${chromiumVersion(exe)}, headless (${CHROMIUM_ARGS.join(' ')})`,
    crossOriginIsolated: isolated,
    hardwareConcurrency,
    load: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const date = new Date().toISOString().slice(0, 10);
  const note =
    `Per cell: 1 warm-up mini-batch, then up to ${args.batches} timed mini-batches (fewer once ${args.budgetS} s were timed) ` +
    `of the first epoch (which trains D2), extrapolated to the epoch's batches.`;
  const node = nodeFigures(args.out);
  const nodeKey: Record<string, string> = { cpu: 'cpu', 'wasm-1': 'wasm' };
  // A backend listed more than once was run that many times (interleaved with the others): keep
  // each cell's fastest run, the one least disturbed by other work on the machine.
  const best = new Map<string, BenchCell & { runsMs: number[] }>();
  for (const c of cells) {
    const k = `${c.label}|${c.model}`;
    const prev = best.get(k);
    const runsMs = [...(prev?.runsMs ?? []), Number(c.msPerBatch.toFixed(1))];
    best.set(k, { ...(prev && prev.msPerBatch <= c.msPerBatch ? prev : c), runsMs });
  }
  const rows = [...new Map(backends.map((b) => [b.label, b])).values()];
  const fmt = (s: number) => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));
  const cellOf = (b: string, m: string) => best.get(`${b}|${m}`);
  const cpuRef = (m: string) => cellOf('cpu', m)?.epochSeconds;
  const lines = [
    `Headless Chromium, ${machine.cpu}, ${machine.cores} cores (shared), ${date}. d = 1582, N = ${args.rows}, batch 64, width 1. ${note}`,
    '',
    `| backend (browser) | ${args.models.map((m) => `${m.toUpperCase()} s/epoch (ms/batch)`).join(' | ')} | vs CPU | dispatches / batch (${args.models.map((m) => m.toUpperCase()).join('/')}) | Node, same backend (${args.models.map((m) => m.toUpperCase()).join('/')}) |`,
    `|---|${args.models.map(() => '---|').join('')}---|---|---|`,
    ...rows.map((b) => {
      const cs = args.models.map((m) => cellOf(b.label, m));
      if (b.error && cs.every((c) => !c)) return `| ${label(b.label)} | ${args.models.map(() => '-').join(' | ')} | - | - | failed: ${b.error} |`;
      const ratios = args.models.map((m, i) => (cs[i] && cpuRef(m) ? cpuRef(m)! / cs[i]!.epochSeconds : null)).filter((r): r is number => r != null);
      const nd = nodeKey[b.label] && node ? args.models.map((m) => node.cells.find((c) => c.backend === nodeKey[b.label] && c.model === m)?.epochSeconds) : null;
      return [
        `| ${label(b.label)}${cs.some((c) => c?.path === 'fast') ? ', fast path' : ''}${cs[0] && cs[0].runsMs.length > 1 ? ` (best of ${cs[0].runsMs.length} runs)` : ''}`,
        ...cs.map((c) => (c ? `${fmt(c.epochSeconds)} (${c.msPerBatch.toFixed(0)})` : '-')),
        ratios.length ? ratios.map((r) => `${r.toFixed(1)}x`).join(' / ') : '-',
        cs.some((c) => c?.dispatchesPerBatch != null) ? cs.map((c) => (c?.dispatchesPerBatch != null ? c.dispatchesPerBatch.toFixed(0) : '-')).join(' / ') : '-',
        nd ? nd.map((s) => (s != null ? fmt(s) : '-')).join(' / ') : '-',
      ].join(' | ') + ' |';
    }),
    '',
    `Fastest fallback (no WebGPU) vs CPU per epoch: ${args.models
      .map((m) => {
        const f = rows.filter((b) => b.label !== 'cpu' && b.label !== 'webgpu').map((b) => cellOf(b.label, m)).filter((c): c is NonNullable<typeof c> => !!c).sort((a, b) => a.epochSeconds - b.epochSeconds)[0];
        const c = cpuRef(m);
        return f && c ? `${m.toUpperCase()} ${label(f.label)} ${(c / f.epochSeconds).toFixed(1)}x` : `${m.toUpperCase()} -`;
      })
      .join(', ')}.`,
    `Backends as started: ${rows.map((b) => `${b.label}: ${b.error ? `failed (${b.error})` : b.detail}`).join('; ')}.`,
    node ? `Node column: bench-results/${node.file} (npm run bench -- --only training).` : 'Node column: no bench-results/bench-<date>.json yet (npm run bench -- --only training).',
    `Load average at the end: ${machine.load.join(', ')} (the machine's 2 cores are shared; expect 15-30 % noise).`,
  ];
  const table = lines.join('\n');
  mkdirSync(args.out, { recursive: true });
  const base = path.join(args.out, `browser-${date}${args.tag ? `-${args.tag}` : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify({ date: new Date().toISOString(), machine, args, note, backends, best: [...best.values()], runs: cells }, null, 2));
  writeFileSync(`${base}.md`, table + '\n');
  console.log('\n' + table);
  console.log(`\nwrote ${path.relative(REPO_ROOT, base)}.json and .md`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
