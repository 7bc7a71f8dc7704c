/**
 * The toy lab's worker (Fig. 1): trains the vanilla GAN and the infoGAN as fast as it can while
 * playing, and posts a frame to draw about three times a second.
 */
import * as Comlink from 'comlink';
import { selectBackend } from '../src/compute/backend';
import { ToyLab, type ToyLabOptions } from '../src/compute/toy/toyLab';
import type { ToyApi, ToyUpdate } from '../src/api';
import { singleThreadLoaders } from './backendLoaders';

let lab: ToyLab | null = null;
let playing = false;
let stepsPerTick = 2;
let onUpdate: ((u: ToyUpdate) => void) | null = null;
let backend = '';
let stepsSinceReport = 0;
let lastReport = performance.now();
let loopRunning = false;

/** At most ~3 frames a second: each frame redraws three plots on the page's thread. */
const FRAME_MS = 330;

function send(): void {
  if (!lab || !onUpdate) return;
  const now = performance.now();
  const updatesPerSecond = (stepsSinceReport * 1000) / Math.max(1, now - lastReport);
  stepsSinceReport = 0;
  lastReport = now;
  onUpdate({ frame: lab.frame(), playing, updatesPerSecond, backend });
}

async function loop(): Promise<void> {
  if (loopRunning) return;
  loopRunning = true;
  let lastFrame = 0;
  while (playing && lab) {
    lab.step(stepsPerTick);
    stepsSinceReport += stepsPerTick;
    if (performance.now() - lastFrame > FRAME_MS) {
      lastFrame = performance.now();
      send();
    }
    // Let pause / speed / learning-rate messages in.
    await new Promise((r) => setTimeout(r, 0));
  }
  loopRunning = false;
  send();
}

const api: ToyApi = {
  async start(opts: ToyLabOptions, cb) {
    if (!backend) backend = (await selectBackend({ loaders: singleThreadLoaders(), forced: 'wasm' })).active;
    playing = false;
    while (loopRunning) await new Promise((r) => setTimeout(r, 5));
    lab?.dispose();
    lab = new ToyLab(opts);
    onUpdate = cb;
    lastReport = performance.now();
    send();
  },
  play() {
    if (!lab) return;
    playing = true;
    stepsSinceReport = 0;
    lastReport = performance.now();
    void loop();
  },
  pause() {
    playing = false;
  },
  step(n) {
    if (!lab || playing) return;
    lab.step(n);
    stepsSinceReport += n;
    send();
  },
  setSpeed(n) {
    stepsPerTick = Math.max(1, Math.round(n));
  },
  setLearningRate(lr) {
    lab?.setLearningRate(lr);
  },
};

Comlink.expose(api);
