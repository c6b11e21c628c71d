/** PNG resolution chunk: CRC-32 against its published check value, pHYs inserted after IHDR. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, pngDpi, setPngDpi } from '../../src/plot/png-dpi.js';

/** A valid 1×1 grey PNG (signature, IHDR, IDAT, IEND). */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: number[]) => {
    const body = new Uint8Array([...Buffer.from(type, 'latin1'), ...data]);
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(body, 4);
    v.setUint32(8 + data.length, crc32(body));
    return [...out];
  };
  const ihdr = [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0];
  const idat = [0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];
  return new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...chunk('IHDR', ihdr), ...chunk('IDAT', idat), ...chunk('IEND', [])]);
}

test('crc32 matches the CRC-32/ISO-HDLC check value of "123456789"', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('setPngDpi: 300 dpi recorded (11811 px/m), replaced not duplicated, non-PNG bytes untouched', () => {
  const png = tinyPng();
  assert.equal(pngDpi(png), undefined);
  const at300 = setPngDpi(png, 300);
  assert.equal(pngDpi(at300), 300);
  assert.equal(at300.length, png.length + 21);
  assert.equal(Buffer.from(at300.subarray(33 + 4, 33 + 8)).toString('latin1'), 'pHYs', 'right after IHDR');
  const again = setPngDpi(at300, 600);
  assert.equal(pngDpi(again), 600);
  assert.equal(again.length, at300.length);
  const notPng = new Uint8Array([1, 2, 3]);
  assert.equal(setPngDpi(notPng, 300), notPng);
});
