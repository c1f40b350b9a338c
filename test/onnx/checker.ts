// onnx.checker for the ONNX export's tests: a Python that imports onnx (Debian's python3-onnx,
// which CI's setup installs), and every model file checked with full_check in one process.
// Where no Python has onnx the tests skip, except on CI (process.env.CI), where they fail.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The first of NN_PYTHON, python3 and /usr/bin/python3 that imports onnx, with onnx's version. */
export function onnxPython(): { python: string; version: string } | undefined {
  const candidates = [process.env.NN_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return undefined;
}

/** onnxPython(), or a skip (a failure on CI) with the reason. */
export function requireOnnxPython(ctx: Mocha.Context): { python: string; version: string } {
  const found = onnxPython();
  if (found) return found;
  if (process.env.CI) assert.fail('no Python imports onnx (python3-onnx); CI must have it');
  ctx.skip();
}

const CHECK_PY = `
import json, sys
import onnx

bad = {}
for f in json.load(open(sys.argv[1])):
    try:
        m = onnx.load(f)
        onnx.checker.check_model(m, full_check=True)
        if [(o.domain, o.version) for o in m.opset_import] != [("", 17)]:
            raise ValueError(f"opset {[(o.domain, o.version) for o in m.opset_import]}")
    except Exception as e:
        bad[f] = f"{type(e).__name__}: {str(e)[:800]}"
print(json.dumps(bad))
`;

/** What onnx.checker (full_check) and the opset check say of each file: file -> error, for the bad ones. */
export function checkModels(python: string, files: readonly string[]): Record<string, string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-onnx-check-'));
  try {
    fs.writeFileSync(path.join(tmp, 'files.json'), JSON.stringify(files));
    fs.writeFileSync(path.join(tmp, 'check.py'), CHECK_PY);
    const r = spawnSync(python, [path.join(tmp, 'check.py'), path.join(tmp, 'files.json')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `${python} check.py failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
