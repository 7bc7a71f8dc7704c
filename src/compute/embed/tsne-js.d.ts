/**
 * Types for the parts of tsne-js 1.0.3 we use (the package ships none). Its dist/ modules are
 * CommonJS whose module.exports is the function / class itself.
 */
declare module 'tsne-js' {
  import type { EventEmitter } from 'events';
  export interface TsneConfig {
    dim?: number;
    perplexity?: number;
    earlyExaggeration?: number;
    learningRate?: number;
    nIter?: number;
    metric?: 'euclidean' | 'manhattan' | 'jaccard' | 'dice';
  }
  /** ndarray-like: flat data + shape (we only read these). */
  export interface NdArray {
    data: Float64Array;
    shape: number[];
    size: number;
  }
  class TSNE extends EventEmitter {
    constructor(config?: TsneConfig);
    perplexity: number;
    earlyExaggeration: number;
    learningRate: number;
    nIter: number;
    metric: string;
    inputData: NdArray | null;
    outputEmbedding: NdArray | null;
    init(opts: { data: number[][]; type?: 'dense' | 'sparse' }): void;
    /** Synchronous; returns [final error, last iteration]. */
    run(): [number, number];
    getOutput(): number[][];
    getOutputScaled(): number[][];
  }
  export default TSNE;
}

declare module 'tsne-js/dist/pairwise-distances.js' {
  import type { NdArray } from 'tsne-js';
  export default function pairwiseDistances(data: NdArray, metric: string): NdArray;
}

declare module 'tsne-js/dist/joint-probabilities.js' {
  import type { NdArray } from 'tsne-js';
  export default function jointProbabilities(distances: NdArray, perplexity: number): NdArray;
}

declare module 'tsne-js/dist/kl-divergence.js' {
  import type { NdArray } from 'tsne-js';
  /** [KL(P || Q), gradient (ndarray of the embedding's shape)]. */
  export default function klDivergence(embedding: NdArray, P: NdArray, alpha: number): [number, NdArray];
}
