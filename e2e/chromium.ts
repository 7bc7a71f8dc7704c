/**
 * Debian's Chromium as the e2e tests and the browser benchmarks launch it (Playwright's own
 * browser downloads are unreachable here), with the flags these machines need.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** Lets pages see WebGPU's (software, SwiftShader) adapter, so the adapter check is exercised for real. */
export const WEBGPU_FLAG = '--enable-unsafe-webgpu';
