// Datasets as the trainer gets them: written in a .nn file, checked, and handed over as DataRefs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import type { DataRef } from '../../server/src/core/train';

/** Writes `source` to dir/name, checks it, and returns its datasets, the errors the checker found, and among them the data problems (NN416). */
export function checkDatasets(dir: string, source: string, name = 'main.nn'): { refs: DataRef[]; errors: string[]; dataProblems: string[] } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  const [r] = analyzeFiles(new Program(new NodeHost()), [file]);
  return {
    refs: r.datasets,
    errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    dataProblems: r.diagnostics.filter((d) => d.code === 'NN416').map((d) => d.message),
  };
}

/** The one dataset declared in `source`, which must check without errors. */
export function datasetRef(dir: string, source: string): DataRef {
  const { refs, errors } = checkDatasets(dir, source);
  if (errors.length) throw new Error(`the dataset does not check: ${errors.join('; ')}`);
  if (refs.length !== 1) throw new Error(`expected one dataset, found ${refs.length}`);
  return refs[0];
}
