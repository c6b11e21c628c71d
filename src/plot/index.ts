/**
 * Public API of src/plot (re-exported by src/index.ts).
 * @module
 */
export * from './palette.js';
export * from './axes.js';
export * from './line-trace.js';
export * from './reference-lines.js';
export * from './figure-check.js';
export * from './html-writer.js';
export * from './static-export.js';
export * from './report-page.js';
export * from './result-figures.js';
export * from './figure-text.js';
export * from './paper-style.js';
export * from './panels.js';
export * from './figure-csv.js';
export * from './png-dpi.js';
