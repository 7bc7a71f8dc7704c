import { test } from 'vitest';
import { useFastBackend, loadCsv } from '../helpers';
import { createTrainer } from '../../../src/compute/train/trainer';
import { selectRows } from '../../../src/compute/data/dataset';
import { defaultsFor, type TrainSettings } from '../../../src/compute/train/settings';
test('explore urdu', async () => {
  await useFastBackend();
  const all = loadCsv('urdu-is10.csv', { labelColumn: 'label', groupColumn: 'speaker' });
  const rows: number[] = []; const per = [0,0,0,0];
  for (let i = 0; i < all.n; i++) if (per[all.labels[i]]++ < 12) rows.push(i);
  const u = selectRows(all, rows);
  const cfgs: Array<[string, Partial<TrainSettings>]> = [
    ['m3 w.25 b16 lr.001 mom.9', { model: 'm3', widthScale: 0.25, batchSize: 16, step1: { lr: 0.001, momentum: 0.9 } }],
    ['m3 w.25 b16 default', { model: 'm3', widthScale: 0.25, batchSize: 16 }],
    ['m1 w.25 b16 default', { model: 'm1', widthScale: 0.25, batchSize: 16 }],
  ];
  for (const [name, c] of cfgs) {
    const t = createTrainer(u, null, { ...defaultsFor(c.model ?? 'm3'), ...c });
    const t0 = performance.now();
    const rec: string[] = [];
    for (let e = 0; e < 30; e++) { const r = await t.runEpoch(); if ('train' in r) rec.push(r.train.recon.toFixed(3)); else rec.push(JSON.stringify(r)); }
    console.log('URDU', name, rec.join(' '), ((performance.now() - t0) / 1000).toFixed(1), 's');
    t.dispose();
  }
}, 900000);
