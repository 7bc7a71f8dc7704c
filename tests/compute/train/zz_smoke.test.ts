import { test } from 'vitest';
import { useFastBackend, blobs } from '../helpers';
import { tf } from '../../../src/compute/tf';
import { createTrainer } from '../../../src/compute/train/trainer';
import { defaultsFor } from '../../../src/compute/train/settings';
test('smoke', async () => {
  await useFastBackend();
  for (const m of ['m1','m2','m3','m1'] as const) {
    const n0 = tf.memory().numTensors;
    const t = createTrainer(blobs(300, 47, 4), blobs(60, 47, 4, 9), { ...defaultsFor(m), widthScale: 0.1 });
    for (let e = 0; e < 3; e++) { await t.runEpoch(); console.log(m, tf.memory().numTensors); }
    t.dispose(); console.log('after dispose', tf.memory().numTensors, n0);
  }
}, 600000);
