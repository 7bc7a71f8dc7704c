import { describe, expect, it, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs, UsageError } from '../../src/cli/args';
import { runCommand, commandOf, loadDataset } from '../../src/cli/commands';
import { rowsToCsv } from '../../src/compute/data/writeCsv';
import { SHARED_DATA, useFastBackend } from '../compute/helpers';
import { Rng } from '../../src/compute/train/rng';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const data = (f: string) => path.join(SHARED_DATA, f);

describe('lab CLI arguments', () => {
  it('parses commands, options, flags and --protocol', () => {
    const a = parseArgs(['cv', '--data', 'x.csv', '--folds=3', '--no-knn']);
    expect(a.command).toBe('cv');
    expect(a.options.get('data')).toBe('x.csv');
    expect(a.options.get('folds')).toBe('3');
    expect(a.flags.has('no-knn')).toBe(true);
    expect(commandOf(parseArgs(['--protocol', 'logo', '--csv', 'a.csv']))).toBe('cv');
    expect(() => parseArgs(['cv', '--data'])).toThrow(UsageError);
    expect(() => commandOf(parseArgs(['--protocol', 'nope']))).toThrow(/unknown protocol/);
  });

  it('loads a CSV with the app defaults (EmoDB: f1..f382, the paper classes, speaker groups)', () => {
    const ds = loadDataset(data('emodb-is09.csv'), parseArgs(['cv']));
    expect(ds.d).toBe(382);
    expect(ds.classNames).toEqual(['angry', 'happy', 'neutral', 'sad']);
    expect(ds.groupNames!.length).toBe(10);
  });
});

describe('lab commands (in process)', () => {
  beforeAll(async () => {
    await useFastBackend();
  });

  it('evaluate: a copy of the real rows scores like the real rows (Metric 1 high, FID ~ 0); noise raises FID', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-'));
    const real = loadDataset(data('urdu-egemaps.csv'), parseArgs(['evaluate']));
    const copy = path.join(dir, 'copy.csv');
    writeFileSync(copy, rowsToCsv(real.features, real.labels, real.d, real.featureNames, real.classNames));
    const rng = new Rng(1);
    const noisy = Float32Array.from(real.features, (v) => v * (1 + 0.5 * rng.normal()));
    const noisyFile = path.join(dir, 'noisy.csv');
    writeFileSync(noisyFile, rowsToCsv(noisy, real.labels, real.d, real.featureNames, real.classNames));
    const base = ['evaluate', '--real', data('urdu-egemaps.csv'), '--fid-epochs', '10', '--svm-folds', '2', '--group-col', 'speaker'];
    const r1 = await runCommand(parseArgs([...base, '--synthetic', copy]));
    const r2 = await runCommand(parseArgs([...base, '--synthetic', noisyFile]));
    const j1 = r1.json as { metric1Set1: { uar: number }; metric2Set1: { uar: number }; fid: number; fidRealVsReal: number; detector: { auc: number } };
    const j2 = r2.json as typeof j1;
    expect(j1.metric1Set1.uar).toBeGreaterThan(0.9);
    expect(j1.metric2Set1.uar).toBeGreaterThan(0.9);
    expect(j1.fid).toBeLessThan(1e-3);
    expect(j1.fid).toBeLessThan(j1.fidRealVsReal);
    // Exact copies are not detectable as synthetic; the cross-validated AUC even drops below 0.5
    // (each held-out row's twin sits on the other side of the split), the memorisation signature.
    expect(j1.detector.auc).toBeLessThan(0.6);
    expect(j2.fid).toBeGreaterThan(j1.fid + 1);
    expect(r1.markdown).toContain('| Metric 1, real set-1 |');
  }, 60_000);
});

describe('lab CLI (subprocess, esbuild bundle)', () => {
  it('cv on urdu-is10.csv (1582-D) with tiny settings writes a valid results JSON', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'lab-')), 'r.json');
    const args = ['tsx', 'src/cli/lab.ts', 'cv', '--data', data('urdu-is10.csv'), '--models', 'm1,m3', '--folds', '2', '--epochs', '2',
      '--width-scale', '0.03', '--n-synth', '200', '--fid-epochs', '3', '--svm-folds', '2', '--out', out, '--quiet'];
    const { stdout } = await run('npx', args, { cwd: ROOT, timeout: 170_000 });
    expect(stdout).toContain('| Metric 1, real set-1 |');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.schema).toBe('emogan-lab/results@1');
    expect(doc.command).toBe('cv');
    expect(doc.wallSeconds).toBeGreaterThan(0);
    const r = doc.result;
    expect(r.dataset.d).toBe(1582);
    expect(r.models).toEqual(['m1', 'm3']);
    expect(r.folds).toHaveLength(2);
    for (const f of r.folds) {
      expect(f.baseline.uar).toBeGreaterThan(0);
      expect(f.models).toHaveLength(2);
      for (const m of f.models) {
        expect(m.settings.epochs).toBe(2);
        expect(m.settings.widthScale).toBe(0.03);
        expect(m.history).toHaveLength(2);
        expect(typeof m.history[0].train.recon).toBe('number');
        for (const k of ['metric1Set1', 'metric2Set1', 'metric1Set2', 'metric2Set2']) expect(m[k].uar).toBeGreaterThanOrEqual(0);
        expect(m.fid).toBeGreaterThanOrEqual(0);
        expect(m.detector.auc).toBeGreaterThanOrEqual(0);
      }
    }
    expect(r.table.rows[0].mean).toHaveLength(2);
  }, 180_000);

  it('lambda: M3 and M4 at λ = 0 and 1 on one fold, a column per (model, λ), spread and separation lines; M1 is refused', async () => {
    const args = parseArgs(['lambda', '--data', data('urdu-egemaps.csv'), '--models', 'm3,m4', '--lambdas', '0,1', '--folds', '2', '--only-folds', '1',
      '--epochs', '2', '--width-scale', '0.05', '--n-synth', '200', '--fid-epochs', '3', '--svm-folds', '2', '--seed', '1']);
    const r = await runCommand(args);
    expect(r.markdown).toContain('| | M3 λ=0 | M3 λ=1 | M4 λ=0 | M4 λ=1 |');
    expect(r.markdown).toContain('| Intra-class spread (synthetic / real) |');
    const res = r.json as { lambdas: number[]; measures: Array<{ label: string; lines: Array<{ model: string; mean: number[] }> }>; cv: { folds: Array<{ models: Array<{ settings: { lambda: number; model: string } }> }> } };
    expect(res.lambdas).toEqual([0, 1]);
    expect(res.cv.folds).toHaveLength(1);
    expect(res.cv.folds[0].models.map((m) => `${m.settings.model}:${m.settings.lambda}`)).toEqual(['m3:0', 'm3:1', 'm4:0', 'm4:1']);
    const spread = res.measures.find((m) => m.label.startsWith('Intra-class spread'))!;
    expect(spread.lines.map((l) => l.model)).toEqual(['m3', 'm4']);
    for (const l of spread.lines) for (const v of l.mean) expect(v).toBeGreaterThan(0);
    await expect(runCommand(parseArgs(['lambda', '--data', data('urdu-egemaps.csv'), '--models', 'm1,m4']))).rejects.toThrow(/M1 has no λ/);
  }, 180_000);

  it('exits 2 with a clear message on mismatched corpora and on bad arguments', async () => {
    const fail = async (args: string[]) => {
      try {
        await run('npx', ['tsx', 'src/cli/lab.ts', ...args], { cwd: ROOT, timeout: 60_000 });
      } catch (e) {
        return e as { code: number; stderr: string };
      }
      throw new Error('expected a failure');
    };
    const e1 = await fail(['cross', '--a', data('emodb-is09.csv'), '--b', data('urdu-is09.csv'), '--quiet']);
    expect(e1.code).toBe(2);
    expect(e1.stderr).toMatch(/different feature columns \(only in urdu-is09\.csv: f383, f384\)/);
    const e2 = await fail(['cv', '--data', data('urdu-egemaps.csv'), '--epochs', 'many']);
    expect(e2.code).toBe(2);
    expect(e2.stderr).toMatch(/--epochs: "many" is not a valid value/);
  }, 120_000);
});
