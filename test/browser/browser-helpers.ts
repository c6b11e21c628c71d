/**
 * Shared set-up of the real-browser tests: one headless Chromium per test file (found like the
 * exporter finds it), a skip reason when none is installed, and pixel statistics of PNGs
 * computed by the browser's own decoder.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromeArgs, chromeOrUndefined } from '../../src/plot/static-export.js';

/** Path of the browser, or undefined. */
export const CHROME = chromeOrUndefined();

/** `skip` option for node:test: a message when Chromium is truly absent (CI installs it). */
export const SKIP: string | false = CHROME === undefined ? 'Chromium not found (apt-get install -y chromium fonts-liberation, or set VSFLOW_CHROME): real-browser tests skipped' : false;

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROME!, args: chromeArgs() });
}

/** PNG width and height from the IHDR chunk (bytes 16–23, big-endian), after checking the signature. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`not a PNG: byte ${i} is ${png[i]}`);
  });
  if (Buffer.from(png.subarray(12, 16)).toString('latin1') !== 'IHDR') throw new Error('PNG without IHDR first');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Luminance statistics of a PNG decoded by the browser: mean and variance over all pixels (0–255
 * scale), and the fraction of pixels that are not the most common colour. A blank image has
 * variance 0 and `nonBackground` 0.
 */
export async function pixelStats(page: Page, png: Uint8Array): Promise<{ mean: number; variance: number; nonBackground: number }> {
  const b64 = Buffer.from(png).toString('base64');
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const n = px.length / 4;
    let s = 0;
    let s2 = 0;
    const counts = new Map<number, number>();
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.2126 * px[i]! + 0.7152 * px[i + 1]! + 0.0722 * px[i + 2]!;
      s += y;
      s2 += y * y;
      const key = (px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const mean = s / n;
    const top = Math.max(...counts.values());
    return { mean, variance: s2 / n - mean * mean, nonBackground: 1 - top / n };
  }, b64);
}
