// Writes houses.csv: synthetic house prices for the CSV regression sample (seeded, so the file
// is the same every time). price (in 100k) = 0.9·area + 0.15·rooms - 0.01·age + 0.4 + noise.
// Run: node --import tsx samples/data/make-houses.ts

import * as fs from 'node:fs';
import * as path from 'node:path';

let s = 12345;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

const rows = ['area,rooms,age,price'];
for (let i = 0; i < 300; i++) {
  const area = 0.5 + rand() * 2.5; // in 100 m²
  const rooms = 1 + Math.floor(rand() * 6);
  const age = Math.floor(rand() * 80);
  const price = 0.9 * area + 0.15 * rooms - 0.01 * age + 0.4 + 0.1 * gauss();
  rows.push(`${area.toFixed(3)},${rooms},${age},${price.toFixed(3)}`);
}
fs.writeFileSync(path.join(__dirname, 'houses.csv'), rows.join('\n') + '\n');
