/** Public API of src/integrators (re-exported by src/index.ts). */
export {};
