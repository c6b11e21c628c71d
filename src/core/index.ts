/** Public API of src/core (re-exported by src/index.ts). */
export {};
