/** Synthetic rows as a CSV table: the input's feature names, then the class label. */
export function rowsToCsv(features: Float32Array, labels: Int32Array, d: number, featureNames: string[], classNames: string[]): string {
  const n = labels.length;
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const parts: string[] = [[...featureNames, 'label'].map(quote).join(',')];
  const cells = new Array<string>(d + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) cells[j] = float32ToString(features[i * d + j]);
    cells[d] = quote(classNames[labels[i]]);
    parts.push(cells.join(','));
  }
  return parts.join('\n') + '\n';
}

/** The shortest decimal that reads back as the same float32 (7 to 9 significant digits). */
export function float32ToString(v: number): string {
  for (let p = 7; p < 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(Number(v.toPrecision(9)));
}
