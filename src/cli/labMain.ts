/**
 * The lab CLI's entry (bundled and started by lab.ts): pick the backend, run the command,
 * print progress (stderr) and the markdown table (stdout), write the results JSON.
 * Exit codes: 0 ok, 2 bad arguments or bad input (the message says what to change), 1 otherwise.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../compute/tf';
import { TableError } from '../compute/data/tableError';
import { parseArgs, UsageError } from './args';
import { commandOf, progressPrinter, runCommand, USAGE } from './commands';
import { patchWasmTransposedMatMul } from '../compute/wasmMatMul';

async function setBackend(name: string): Promise<string> {
  if (name === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      patchWasmTransposedMatMul();
      const root = process.env.EMOGAN_LAB_ROOT ?? process.cwd();
      wasm.setWasmPaths(path.resolve(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch (e) {
      console.error(`wasm backend unavailable (${(e as Error).message}); using cpu`);
    }
  } else if (name !== 'cpu') {
    throw new UsageError(`--backend: use cpu or wasm, not "${name}"`);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const t0 = performance.now();
  try {
    const args = parseArgs(argv);
    if (args.flags.has('help') || (argv.length === 0)) {
      console.log(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    const command = commandOf(args);
    const backend = await setBackend(args.options.get('backend') ?? 'wasm');
    const quiet = args.flags.has('quiet');
    const print = progressPrinter((l) => {
      if (!quiet) process.stderr.write(`${l}\n`);
    });
    let cancelled = false;
    process.on('SIGINT', () => {
      cancelled = true;
      process.stderr.write('cancelling after the current stage...\n');
    });
    const r = await runCommand(args, { onProgress: print, isCancelled: () => cancelled }, (l) => process.stderr.write(`${l}\n`));
    const wallSeconds = (performance.now() - t0) / 1000;
    console.log(r.markdown);
    console.log(`\nwall time ${wallSeconds.toFixed(1)} s on ${backend} (${os.cpus().length} cores)`);
    const out = args.options.get('out') ?? `lab-${command}-results.json`;
    const doc = {
      schema: 'emogan-lab/results@1',
      command,
      argv,
      backend,
      cpus: os.cpus().length,
      startedAt: new Date(Date.now() - wallSeconds * 1000).toISOString(),
      wallSeconds,
      result: r.json,
    };
    writeFileSync(out, JSON.stringify(doc, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
    console.log(`results written to ${out}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof TableError) {
      console.error(`error: ${e.info.message}\nhint: ${e.info.hint}`);
      return 2;
    }
    if (e instanceof Error && e.name === 'StudyCancelled') {
      console.error('cancelled');
      return 130;
    }
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

process.exitCode = await main();
