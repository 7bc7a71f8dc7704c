/**
 * Unweighted average recall (UAR) and the confusion matrix, the paper's accuracy measure for
 * Metrics 1 and 2: the mean over classes of (correct predictions of class k) / (rows of class k),
 * so every class counts the same however many rows it has. Chance level is 1/K.
 */

export interface UarResult {
  /** Mean per-class recall over the classes that occur in the true labels (0..1). */
  uar: number;
  /** 1/K, K = the number of classes. */
  chance: number;
  /** Recall per class (NaN for a class with no true rows). */
  recall: number[];
  /** confusion[t][p] = rows of true class t predicted as class p; K x K. */
  confusion: number[][];
  /** Plain accuracy (correct / rows), for reference. */
  accuracy: number;
  /** How many classes had at least one true row (the ones averaged). */
  classesScored: number;
}

/** K x K confusion matrix, rows = true class, columns = predicted class. */
export function confusionMatrix(
  trueLabels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  k: number,
): number[][] {
  if (trueLabels.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`confusionMatrix: bad class count ${k}`);
  const m: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    const t = trueLabels[i];
    const p = predicted[i];
    if (!(t >= 0 && t < k && Number.isInteger(t))) throw new Error(`confusionMatrix: true label ${t} outside 0..${k - 1}`);
    if (!(p >= 0 && p < k && Number.isInteger(p))) throw new Error(`confusionMatrix: prediction ${p} outside 0..${k - 1}`);
    m[t][p]++;
  }
  return m;
}

/**
 * UAR of predictions against true labels for K classes (labels 0..K-1). Classes with no true
 * rows are left out of the average (their recall is undefined) and reported as NaN; chance stays
 * 1/K. Throws on empty input.
 */
export function uar(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, k: number): UarResult {
  if (trueLabels.length === 0) throw new Error('uar: no rows to score');
  const confusion = confusionMatrix(trueLabels, predicted, k);
  const recall: number[] = [];
  let sum = 0;
  let scored = 0;
  let correct = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    for (let p = 0; p < k; p++) support += confusion[c][p];
    correct += confusion[c][c];
    if (support === 0) {
      recall.push(NaN);
    } else {
      const r = confusion[c][c] / support;
      recall.push(r);
      sum += r;
      scored++;
    }
  }
  return {
    uar: sum / scored,
    chance: 1 / k,
    recall,
    confusion,
    accuracy: correct / trueLabels.length,
    classesScored: scored,
  };
}
