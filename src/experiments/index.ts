/** Public API of src/experiments (re-exported by src/index.ts). */
export {};
