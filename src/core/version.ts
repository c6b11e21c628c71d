/**
 * The vsflow version, as a constant so that every entry (the browser-safe `vsflow/core`
 * included) knows it without reading package.json from disk. A test keeps it equal to
 * package.json's `version`.
 */
export const VERSION = '0.1.0';
