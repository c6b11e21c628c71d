/** Public API of src/train (re-exported by src/index.ts). */
export {};
