import { beforeAll, describe, expect, it } from 'vitest';
import { ToyLab } from '../../../src/compute/toy/toyLab';
import { tf } from '../../../src/compute/tf';
import { useCpu } from '../helpers';

beforeAll(useCpu);

describe('ToyLab: vanilla GAN and infoGAN side by side', () => {
  it('steps both models together, frames what to draw, learns, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const lab = new ToyLab({ seed: 1, lr: 1e-3, lambda: 1 });
    const f0 = lab.frame();
    lab.step(600);
    const f1 = lab.frame();
    expect(f1.vanilla.step).toBe(600);
    expect(f1.info.step).toBe(600);
    expect(f1.vanilla.points.length).toBe(800);
    expect(f1.info.codes!.length).toBe(400);
    expect(f1.vanilla.codes).toBeNull();
    expect(f1.vanilla.grid.length).toBe(2 * 121);
    expect(f1.info.losses.length).toBe(300);
    expect(f1.modes).toHaveLength(4);
    // Trained generators put more of their samples near the target's modes than untrained ones.
    const near = (f: typeof f0.vanilla) => f.perMode.reduce((a, b) => a + b, 0);
    expect(near(f1.info)).toBeGreaterThan(near(f0.info));
    expect(near(f1.vanilla)).toBeGreaterThan(near(f0.vanilla));
    lab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
