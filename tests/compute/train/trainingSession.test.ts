import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingSession, type TrainEvent } from '../../../src/compute/train/trainingSession';
import { defaultsFor } from '../../../src/compute/train/settings';
import { tf } from '../../../src/compute/tf';
import { blobs, useCpu } from '../helpers';

beforeAll(useCpu);

function settings(epochs: number) {
  return { ...defaultsFor('m2'), epochs, widthScale: 0.05, batchSize: 32, seed: 3 };
}

describe('TrainingSession: the controls a user drives', () => {
  it('runs to the set number of epochs, emitting epochs, throttled progress and state changes', async () => {
    const events: TrainEvent[] = [];
    const s = new TrainingSession(blobs(200, 6, 3), settings(3), (e) => events.push(e));
    expect(s.info.nTrain + s.info.nVal).toBe(200);
    expect(s.info.lossKeys).toEqual(['recon', 'd1', 'enc_adv', 'd2', 'gen']);
    await s.resume();
    expect(s.status).toBe('done');
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.losses.epoch : 0))).toEqual([1, 2, 3]);
    const states = events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.state : ''));
    expect(states).toEqual(['running', 'done']);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1];
    expect(last.type === 'progress' && last.batch === last.batches && last.epoch === 3).toBe(true);
    s.dispose();
  });

  it('pause stops mid-run, resume continues the same run, step runs exactly one epoch', async () => {
    const events: TrainEvent[] = [];
    const s = new TrainingSession(blobs(400, 6, 3), settings(5), (e) => events.push(e));
    const running = s.resume();
    // Pause as soon as the first batch of progress shows up.
    await new Promise<void>((r) => {
      const t = setInterval(() => {
        if (events.some((e) => e.type === 'progress')) {
          clearInterval(t);
          r();
        }
      }, 1);
    });
    await s.pause();
    await running;
    expect(s.status).toBe('paused');
    const doneBefore = s.trainer.epoch;
    expect(doneBefore).toBeLessThan(5);
    await s.stepEpoch();
    expect(s.status).toBe('paused');
    expect(s.trainer.epoch).toBe(doneBefore + 1);
    // Learning rates can change while paused and are used from then on.
    s.setLearningRates({ step5: { lr: 0.002 } });
    expect(s.trainer.settings.step5.lr).toBe(0.002);
    await s.resume();
    expect(s.status).toBe('done');
    expect(s.trainer.epoch).toBe(5);
    expect(s.trainer.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    s.dispose();
  });

  it('stop ends the run but the model still generates; nothing leaks after dispose', async () => {
    const before = tf.memory().numTensors;
    const s = new TrainingSession(blobs(120, 5, 2), settings(2), () => undefined);
    await s.resume();
    await s.stop();
    expect(s.status).toBe('stopped');
    await s.resume(); // a stopped run does not restart
    expect(s.status).toBe('stopped');
    const g = await s.trainer.generate(10, 1);
    expect(g.features.length).toBe(50);
    expect(Array.from(g.labels)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a huge learning rate trips the guard: state "diverged" with the message, weights kept finite', async () => {
    const events: TrainEvent[] = [];
    const bad = { ...settings(3), step1: { lr: 1e6, momentum: 0.9 }, clipNorm: null };
    const s = new TrainingSession(blobs(200, 6, 3), bad, (e) => events.push(e));
    await s.resume();
    expect(s.status).toBe('diverged');
    const st = events.find((e) => e.type === 'state' && e.state === 'diverged');
    expect(st && st.type === 'state' ? st.message : '').toMatch(/step ?1/i);
    const w = await s.trainer.getWeights();
    expect(Object.values(w).every((a) => a.every(Number.isFinite))).toBe(true);
    s.dispose();
  });
});
