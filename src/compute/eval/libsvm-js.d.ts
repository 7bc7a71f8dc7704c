/**
 * libsvm-js (github.com/mljs/libsvm, an emscripten build of libsvm) ships no typings;
 * eval/svm.ts casts the default export to its own LibsvmCtor interface.
 */
declare module 'libsvm-js/asm.js' {
  const SVM: unknown;
  export default SVM;
}
