/**
 * A dataset's fingerprint: a hash of its content and column choices (feature values, labels,
 * groups, feature / class / group names, shape), so a stored run can tell whether the table on
 * screen is the one it was trained on. The display name is left out (a renamed file is the
 * same data). Two FNV-1a 32-bit lanes with different offset bases -> 16 hex digits; not
 * cryptographic, only a guard against mix-ups.
 */
import type { Dataset } from '../compute/data/dataset';

const PRIME = 0x01000193;

class Fnv2 {
  a = 0x811c9dc5;
  b = 0x050c5d1f;

  bytes(u: Uint8Array): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < u.length; i++) {
      const x = u[i];
      a = Math.imul(a ^ x, PRIME);
      b = Math.imul(b ^ x ^ 0x5a, PRIME);
    }
    this.a = a;
    this.b = b;
  }

  view(v: ArrayBufferView): void {
    this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }

  text(s: string): void {
    this.bytes(new TextEncoder().encode(s));
  }

  num(n: number): void {
    this.view(new Float64Array([n]));
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/** Fingerprint of a Dataset (content + column choices). */
export function datasetFingerprint(ds: Pick<Dataset, 'features' | 'n' | 'd' | 'featureNames' | 'labels' | 'classNames' | 'groups' | 'groupNames'>): string {
  const h = new Fnv2();
  h.text('emogan-dataset-v1');
  h.num(ds.n);
  h.num(ds.d);
  // JSON keeps name boundaries unambiguous ("a","bc" vs "ab","c").
  h.text(JSON.stringify(ds.featureNames));
  h.text(JSON.stringify(ds.classNames));
  h.text(JSON.stringify(ds.groupNames ?? null));
  h.view(ds.features.subarray(0, ds.n * ds.d));
  h.view(ds.labels);
  if (ds.groups) h.view(ds.groups);
  return h.hex();
}
