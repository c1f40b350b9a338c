// Writes shapes/: a tiny image folder for samples/image_folder.nn, one subfolder per class
// (circle/, square/, triangle/), 20 images of 24x24 each, a shape of random size, place and colour
// on a random background; every other image a JPEG. Seeded, so the files are the same every time.
// Run: node --import tsx samples/data/make-shapes.ts

import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeImage } from '../../test/data-helpers';

let s = 2024;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const SIZE = 24;
const inside: Record<string, (y: number, x: number, cy: number, cx: number, r: number) => boolean> = {
  circle: (y, x, cy, cx, r) => (y - cy) ** 2 + (x - cx) ** 2 <= r * r,
  square: (y, x, cy, cx, r) => Math.abs(y - cy) <= r * 0.85 && Math.abs(x - cx) <= r * 0.85,
  // pointing up: the base at cy + r, the apex at cy - r
  triangle: (y, x, cy, cx, r) => y >= cy - r && y <= cy + r && Math.abs(x - cx) <= ((y - (cy - r)) / (2 * r)) * r,
};

const root = path.join(__dirname, 'shapes');
fs.rmSync(root, { recursive: true, force: true });
for (const [name, test] of Object.entries(inside)) {
  fs.mkdirSync(path.join(root, name), { recursive: true });
  for (let i = 0; i < 20; i++) {
    const r = int(5, 9);
    const cy = int(r, SIZE - 1 - r);
    const cx = int(r, SIZE - 1 - r);
    const bg = int(0, 90);
    const fg: [number, number, number] = [int(120, 255), int(120, 255), int(120, 255)];
    const format = i % 2 === 0 ? 'png' : 'jpeg';
    const bytes = encodeImage(format, SIZE, SIZE, (y, x) => (test(y, x, cy, cx, r) ? fg : [bg, bg, bg]));
    fs.writeFileSync(path.join(root, name, `${name}${String(i).padStart(2, '0')}.${format === 'png' ? 'png' : 'jpg'}`), bytes);
  }
}
