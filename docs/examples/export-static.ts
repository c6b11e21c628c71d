// Export a figure to SVG, PNG (2× pixels) and vector PDF with headless Chromium. Without
// Chromium, openExporter throws a BackendError that says how to install it.
import { BackendError, figure, lineTrace, openExporter } from '../../src/index.js';

const fig = figure({
  title: 'max σ(t)',
  x: { title: 't', unit: 'gradient-flow time', log: true },
  y: { title: 'max σ' },
  data: [lineTrace({ name: 'max σ', x: [0.1, 1, 10, 100, 1000], y: [0.13, 0.14, 0.3, 0.8, 0.9] })],
  width: 600,
  height: 400,
});
try {
  const exporter = await openExporter();
  const out = await exporter.export(fig, ['svg', 'png', 'pdf'], { scale: 2 });
  await exporter.close();
  console.log(out.svg!.startsWith('<svg')); // expect: ^(true|skipped)$
  console.log(out.png!.length > 0 && Buffer.from(out.pdf!.subarray(0, 5)).toString() === '%PDF-');
} catch (error) {
  if (!(error instanceof BackendError)) throw error;
  console.log('skipped');
  console.log(error.message);
}
