/**
 * CommonJS entry of vsflow (`require('vsflow')`): vsflow is an ES module. Node ≥ 20.19 and
 * ≥ 22.12 load ES modules from require() (no top-level await anywhere in the graph), so this
 * entry simply re-exports the ES entry; older Node versions get one line saying to use import().
 * @module
 */
function load(): unknown {
  try {
    return require('./index.js');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') {
      const e = new Error(`vsflow is an ES module and Node ${process.version} cannot require() it: use \`const vsflow = await import('vsflow')\` (or Node ≥ 20.19)`);
      // Printed by Node as `vsflow: vsflow is an ES module …` (the name reads as the prefix).
      e.name = 'vsflow';
      (e as { code?: string }).code = 'ERR_REQUIRE_ESM';
      throw e;
    }
    throw error;
  }
}
module.exports = load();
