/**
 * One colour per class, the same in every panel: the Okabe-Ito palette, which stays
 * distinguishable under the common colour-vision deficiencies.
 */
export const CLASS_COLORS = ['#D55E00', '#E69F00', '#009E73', '#0072B2', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
export const classColor = (k: number) => CLASS_COLORS[k % CLASS_COLORS.length];
