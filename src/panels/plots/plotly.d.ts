declare module 'plotly.js-basic-dist-min' {
  import type * as Plotly from 'plotly.js';
  const P: typeof Plotly;
  export default P;
}
