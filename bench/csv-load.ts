// One load of a CSV dataset as `nn train` loads it (read, split), in its own process so that its
// peak memory is its own: prints {"seconds","rows","baseRss","peakRss"} (bytes) as JSON.
//   node --import tsx bench/csv-load.ts FILE LABEL

import * as path from 'node:path';
import { loadData } from '../server/src/data/load';
import { datasetRef } from '../test/data-helpers';

async function main(): Promise<void> {
  const [file, label] = process.argv.slice(2);
  const ref = datasetRef(path.dirname(file), `dataset d = csv("${path.basename(file)}", label: "${label}")\n`);
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const d = await loadData(ref, {});
  const seconds = (performance.now() - t0) / 1000;
  const rows = d.train.n + (d.test?.n ?? 0);
  console.log(JSON.stringify({ seconds, rows, baseRss, peakRss: process.resourceUsage().maxRSS * 1024 }));
}

void main();
