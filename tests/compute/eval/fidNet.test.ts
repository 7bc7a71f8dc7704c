import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../../../src/compute/tf';
import { fid, fidRealVsReal } from '../../../src/compute/eval/frechet';
import { trainFidNet } from '../../../src/compute/eval/fidNet';
import { readSharedCsv, SHARED_DATA } from './sharedCsv';

const emodb = readSharedCsv(`${SHARED_DATA}/emodb-is09.csv`, { classes: ['angry', 'happy', 'neutral', 'sad'] });
let trained: Awaited<ReturnType<typeof trainFidNet>> | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('FID network (d-64-64-64-64-K, 30 epochs)', () => {
  test('learns the real rows, leaks no tensors, is seeded, and extracts the 3rd hidden layer', async () => {
    const before = tf.memory().numTensors;
    const net = await trainFidNet(emodb, { seed: 1 });
    trained = net;
    expect(tf.memory().numTensors).toBe(before);
    expect(net.layers.map((l) => [l.fanIn, l.fanOut])).toEqual([
      [382, 64],
      [64, 64],
      [64, 64],
      [64, 64],
      [64, 4],
    ]);
    expect(net.losses.length).toBe(30);
    expect(net.losses[29]).toBeLessThan(net.losses[0] * 0.5);
    // training accuracy (plain-TS forward pass of the trained weights)
    const p = net.predictProba(emodb.features);
    let correct = 0;
    for (let i = 0; i < emodb.n; i++) {
      const row = Array.from(p.subarray(i * 4, i * 4 + 4));
      if (row.indexOf(Math.max(...row)) === emodb.labels[i]) correct++;
    }
    expect(correct / emodb.n).toBeGreaterThan(0.85);
    const feats = net.extract(emodb.features);
    expect(net.outputDim).toBe(64);
    expect(feats.length).toBe(emodb.n * 64);
    expect(feats.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);

    const again = await trainFidNet(emodb, { seed: 1, epochs: 2 });
    const again2 = await trainFidNet(emodb, { seed: 1, epochs: 2 });
    expect(again2.losses).toEqual(again.losses);
    expect(net.losses.slice(0, 2)).toEqual(again.losses);
  }, 60000);

  test('FID of real vs shifted real is 0 at no shift and grows with the shift; real-vs-real is small', async () => {
    const net = trained ?? (await trainFidNet(emodb, { seed: 1 }));
    const shifted = (s: number) => {
      const f = Float32Array.from(emodb.features);
      // shift every feature by s standard deviations (features are z-scored)
      for (let i = 0; i < f.length; i++) f[i] += s;
      return { features: f, d: emodb.d };
    };
    const values = [0, 0.1, 0.3, 1].map((s) => fid(emodb, shifted(s), net));
    expect(values[0]).toBeLessThan(1e-6);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    const rr = fidRealVsReal(emodb, net, 3);
    expect(rr).toBeGreaterThan(0);
    expect(rr).toBeLessThan(values[3]);
  }, 60000);
});
