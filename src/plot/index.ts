/** Public API of src/plot (re-exported by src/index.ts). */
export {};
