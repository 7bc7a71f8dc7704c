import { describe, expect, test } from 'vitest';
import { Rng, deriveSeed } from '../../../src/compute/train/rng';
import { applyStandardisation, fitStandardisation, undoStandardisation } from '../../../src/compute/data/standardise';
import { validationSplit } from '../../../src/compute/data/split';
import { blobs, loadCsv } from '../helpers';

describe('rng', () => {
  test('seeded, resumable from its state, sub-seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect([a.uniform(), a.normal(), a.int(10)]).toEqual([b.uniform(), b.normal(), b.int(10)]);
    const st = a.getState();
    const next = [a.uniform(), a.normal(), a.normal()];
    const c = Rng.fromState(JSON.parse(JSON.stringify(st)));
    expect([c.uniform(), c.normal(), c.normal()]).toEqual(next);
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
    expect(deriveSeed(1, 'init')).not.toBe(deriveSeed(1, 'train'));
    expect(deriveSeed(1, 'init')).toBe(deriveSeed(1, 'init'));
  });

  test('normal has mean 0 and std 1; shuffle is a permutation', () => {
    const r = new Rng(5);
    let s = 0;
    let s2 = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(s2 / N) - 1)).toBeLessThan(0.03);
    const p = Array.from(r.permutation(100)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('standardise', () => {
  test('z-scores with the fit split, constant columns std 1, undo inverts', () => {
    const ds = blobs(50, 5, 2);
    for (let i = 0; i < ds.n; i++) ds.features[i * 5 + 4] = 7; // constant column
    const st = fitStandardisation(ds);
    expect(st.std[4]).toBe(1);
    const z = applyStandardisation(ds.features, st);
    for (let j = 0; j < 4; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < ds.n; i++) m += z[i * 5 + j] / ds.n;
      for (let i = 0; i < ds.n; i++) v += (z[i * 5 + j] - m) ** 2 / ds.n;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(Math.abs(v - 1)).toBeLessThan(1e-4);
    }
    expect(z[4]).toBe(0);
    const back = undoStandardisation(z, st);
    for (let i = 0; i < back.length; i++) expect(back[i]).toBeCloseTo(ds.features[i], 3);
  });
});

describe('validation split', () => {
  test('holds out whole groups when there is a group column (seeded)', () => {
    const ds = loadCsv('urdu-egemaps.csv', { labelColumn: 'label', groupColumn: 'speaker' });
    const s = validationSplit(ds, 0.2, 7);
    expect(s.by).toBe('groups');
    expect(s.train.n + s.val.n).toBe(ds.n);
    const trainGroups = new Set(s.train.groups);
    for (const g of s.val.groups!) expect(trainGroups.has(g)).toBe(false);
    expect(s.valGroups!.length).toBe(Math.round(0.2 * ds.groupNames!.length));
    expect(validationSplit(ds, 0.2, 7).valRows).toEqual(s.valRows);
    expect(validationSplit(ds, 0.2, 8).valRows).not.toEqual(s.valRows);
  });

  test('stratified row split without groups', () => {
    const ds = blobs(200, 3, 4);
    const s = validationSplit(ds, 0.25, 1);
    expect(s.by).toBe('rows');
    const counts = [0, 0, 0, 0];
    for (const l of s.val.labels) counts[l]++;
    expect(counts).toEqual([13, 13, 13, 13]);
  });
});
