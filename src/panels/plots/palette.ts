/** One colour per class, the same in every panel. */
export const CLASS_COLORS = ['#d92d20', '#f79009', '#12b76a', '#3056d3', '#7a5af8', '#0e9384', '#c11574', '#667085', '#b54708', '#155eef'];
export const classColor = (k: number) => CLASS_COLORS[k % CLASS_COLORS.length];
