// Node has Blob but not the browser's FileReader, which papaparse uses to read a File in
// chunks (as it does in the app's worker). This is a faithful minimal FileReader over
// Blob.text(), so the same streaming code path runs under vitest.
if (typeof (globalThis as { FileReader?: unknown }).FileReader === 'undefined') {
  class NodeFileReader {
    onload: ((ev: { target: { result: string } }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    error: unknown = null;
    readAsText(blob: Blob): void {
      blob.text().then(
        (result) => this.onload?.({ target: { result } }),
        (e) => {
          this.error = e;
          this.onerror?.(e);
        },
      );
    }
  }
  (globalThis as { FileReader?: unknown }).FileReader = NodeFileReader;
}
