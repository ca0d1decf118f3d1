// Draws build/icon.png (512×512 RGBA): a blue rounded square with a white sailing skiff.
// Plain node + zlib (PNG = signature + IHDR + zlib-deflated scanlines + IEND), 4×4 supersampled.
//   node build/icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 512;
const out = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// Shapes in a 0..1 coordinate space.
const inRoundedSquare = (x, y) => {
  const m = 0.04,
    r = 0.2;
  const cx = Math.min(Math.max(x, m + r), 1 - m - r),
    cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && x <= 1 - m && y >= m && y <= 1 - m;
};
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by),
    d2 = s(x, y, bx, by, cx, cy),
    d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const inSail = (x, y) => inTriangle(x, y, [0.52, 0.18], [0.52, 0.62], [0.78, 0.62]) || inTriangle(x, y, [0.48, 0.26], [0.48, 0.62], [0.28, 0.62]);
const inHull = (x, y) => y >= 0.66 && y <= 0.76 && x >= 0.22 + (y - 0.66) * 0.8 && x <= 0.82 - (y - 0.66) * 0.8;
const inWave = (x, y) => x > 0.16 && x < 0.84 && Math.abs(y - (0.83 + 0.015 * Math.sin(x * 28))) < 0.012;

function shade(x, y) {
  if (!inRoundedSquare(x, y)) return [0, 0, 0, 0];
  if (inSail(x, y) || inHull(x, y)) return [255, 255, 255, 255];
  if (inWave(x, y)) return [190, 230, 255, 255];
  // Vertical gradient: sky blue to deep sea blue.
  const t = y;
  return [Math.round(40 + (14 - 40) * t), Math.round(150 + (80 - 150) * t), Math.round(235 + (170 - 235) * t), 255];
}

const SS = 4;
const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [cr, cg, cb, ca] = shade((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        r += cr * ca;
        g += cg * ca;
        b += cb * ca;
        a += ca;
      }
    }
    const o = row + 1 + px * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round(a / (SS * SS));
  }
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
console.log(`wrote ${out} (${SIZE}×${SIZE}, ${png.length} bytes)`);
