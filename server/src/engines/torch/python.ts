// Which Python runs PyTorch: `NN_PYTHON` (or the `nn.python` setting, passed the same way),
// else the first of `python3` on PATH and the system Python (/usr/bin/python3) that imports
// torch and numpy. Debian's python3-torch is for the system Python, which is often not the
// `python3` first on PATH (pyenv, conda, a venv), so trying only `python3` is not enough.

import { spawnSync } from 'node:child_process';

export interface PythonInfo {
  /** the command that was run */
  python: string;
  /** the interpreter's own path (sys.executable) */
  executable: string;
  version: string;
  torch: string;
  cuda: boolean;
}

export class NoTorchError extends Error {}

const PROBE = 'import json, sys, numpy, torch; print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "torch": torch.__version__, "cuda": torch.cuda.is_available()}))';

/** What one interpreter says, or why it cannot run PyTorch. */
export function probePython(python: string): PythonInfo | string {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message;
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    return last || `exit ${String(r.status)}`;
  }
  try {
    const info = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Omit<PythonInfo, 'python'>;
    return { python, ...info };
  } catch {
    return 'it printed no answer';
  }
}

/** The Python to run PyTorch with; NoTorchError says what was tried and what to install. */
export function findPython(env: NodeJS.ProcessEnv = process.env): PythonInfo {
  const given = env.NN_PYTHON;
  const candidates = given ? [given] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const c of candidates) {
    const r = probePython(c);
    if (typeof r !== 'string') return r;
    tried.push(`${c}: ${r}`);
  }
  throw new NoTorchError(
    [
      `no Python with PyTorch and NumPy was found (${tried.join('; ')}).`,
      'Install PyTorch: `apt install python3-torch python3-numpy` (Debian, Ubuntu) or `pip install torch numpy`,',
      given ? 'or point NN_PYTHON at a Python that has it.' : 'or set NN_PYTHON (the nn.python setting in VS Code) to a Python that has it.',
    ].join('\n'),
  );
}
