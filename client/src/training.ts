// Training from VS Code: a task type `nn` (one task per train block of the workspace, so
// tasks.json and "Run Task" work), the "NN: Train" command and code lens, a local socket the
// training process reports to (the same JSON events as `nn train --json`), a status bar item,
// "NN: Stop Training" (a graceful stop: the process saves its weights), and "NN: Predict".
// Training is off in untrusted workspaces: it runs code and writes files.

import * as vscode from 'vscode';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { LanguageClient } from 'vscode-languageclient/node';
import { parseEvent, type TrainEvent, type ControlMessage } from '../../server/src/runtime/train/protocol';
import { TrainBlocksRequest, type TrainBlock, type TrainBlocksResult } from '../../server/src/lsp/requests';
import { ChartView } from './chart-view';
import { TrainingStatus } from './training-status';
import { onLines } from '../../server/src/node/lines';
import { IMAGE_EXTENSIONS } from '../../server/src/data/image-names';

export const TASK_TYPE = 'nn';

export interface NnTaskDefinition extends vscode.TaskDefinition {
  type: 'nn';
  /** the .nn file, relative to the workspace folder or absolute */
  file: string;
  /** the train block */
  train: string;
  epochs?: number;
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** tfjs (default: the nn.train.engine setting) or torch */
  engine?: 'tfjs' | 'torch';
  /** the torch engine's device: auto, cpu, cuda, cuda:N */
  device?: string;
  /** the torch engine's processes */
  processes?: number;
  /** the wasm backend's threads; 0 or absent: the nn.train.threads setting (0 there: nn's default) */
  threads?: number;
  /** a run folder, or "last", to continue */
  resume?: string;
}

/** One training process that reported to the socket. */
interface Run {
  socket: net.Socket;
  train?: string;
  runDir?: string;
  last?: TrainEvent;
}

export class TrainingService implements vscode.Disposable {
  readonly socketPath: string;
  private readonly server: net.Server;
  private readonly runs = new Set<Run>();
  private readonly status: vscode.StatusBarItem;
  private readonly statusText: TrainingStatus<Run>;
  private readonly emitter = new vscode.EventEmitter<{ run: Run; event: TrainEvent }>();
  /** every event of every run (tests and the chart view listen) */
  readonly onEvent = this.emitter.event;
  readonly chart: ChartView;

  constructor(context: vscode.ExtensionContext) {
    this.socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\nn-${randomBytes(6).toString('hex')}` : path.join(os.tmpdir(), `nn-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.listen(this.socketPath);
    this.status = vscode.window.createStatusBarItem('nn.training', vscode.StatusBarAlignment.Left, 10);
    this.status.name = vscode.l10n.t('NN Training');
    this.status.command = 'nn.showChart';
    this.statusText = new TrainingStatus<Run>(this.status, (m, ...a) => vscode.l10n.t(m, ...a));
    this.chart = new ChartView(context);
  }

  private accept(socket: net.Socket): void {
    const run: Run = { socket };
    this.runs.add(run);
    onLines(socket, (line) => {
      // checked field by field (protocol.ts): a malformed line is dropped, never thrown
      const event = parseEvent(line);
      if (event) this.handle(run, event);
    });
    socket.on('close', () => {
      this.runs.delete(run);
      this.statusText.closed(run, run.train, this.runs.size);
    });
    socket.on('error', () => undefined);
  }

  private handle(run: Run, event: TrainEvent): void {
    run.last = event;
    if (event.type === 'start') {
      run.train = event.train;
      run.runDir = event.runDir;
    }
    this.statusText.update(run, run.train, event);
    this.chart.post(run.runDir, event);
    this.emitter.fire({ run, event });
  }

  /** Ask every running training process to stop gracefully. Returns how many were asked. */
  stop(): number {
    const msg: ControlMessage = { type: 'stop' };
    for (const r of this.runs) r.socket.write(JSON.stringify(msg) + '\n');
    return this.runs.size;
  }

  get running(): number {
    return this.runs.size;
  }

  dispose(): void {
    for (const r of this.runs) r.socket.destroy();
    this.server.close();
    if (process.platform !== 'win32') fs.rmSync(this.socketPath, { force: true });
    this.status.dispose();
    this.emitter.dispose();
    this.chart.dispose();
  }
}

/** The Node.js that runs training: the nn.train.nodePath setting, a `node` on PATH, or VS Code's own runtime. */
export function trainingRuntime(): { command: string; env: Record<string, string> } {
  const configured = vscode.workspace.getConfiguration('nn').get<string>('train.nodePath');
  if (configured) return { command: configured, env: {} };
  try {
    const v = execFileSync('node', ['--version'], { encoding: 'utf8', timeout: 3000 }).trim();
    if (Number(/^v(\d+)/.exec(v)?.[1] ?? 0) >= 20) return { command: 'node', env: {} };
  } catch {
    // no node on PATH: use VS Code's
  }
  // VS Code's Electron runs as plain Node with this variable; tfjs-node's native addon is not
  // built for it, so the wasm backend is used there
  return { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

export function createTask(context: vscode.ExtensionContext, service: TrainingService, def: NnTaskDefinition, folder: vscode.WorkspaceFolder | vscode.TaskScope = vscode.TaskScope.Workspace): vscode.Task {
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  const base = typeof folder === 'object' ? folder.uri.fsPath : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
  const file = path.isAbsolute(def.file) ? def.file : path.join(base, def.file);
  const cfg = vscode.workspace.getConfiguration('nn');
  const args = [cli, 'train', file, '--train', def.train];
  if (def.epochs) args.push('--epochs', String(def.epochs));
  const engine = def.engine ?? cfg.get<string>('train.engine');
  const pythonEnv: Record<string, string> = {};
  if (engine === 'torch') {
    args.push('--engine', 'torch');
    const device = def.device ?? cfg.get<string>('train.device');
    if (device && device !== 'auto') args.push('--device', device);
    if (def.processes && def.processes > 1) args.push('--processes', String(def.processes));
    const python = cfg.get<string>('python');
    if (python) pythonEnv.NN_PYTHON = python;
  } else {
    const backend = def.backend ?? cfg.get<string>('train.backend');
    if (backend && backend !== 'auto') args.push('--backend', backend);
    const threads = def.threads || cfg.get<number>('train.threads');
    if (threads) args.push('--threads', String(threads));
  }
  const runs = cfg.get<string>('runs.path');
  if (runs) args.push('--runs', path.isAbsolute(runs) ? runs : path.join(base, runs));
  if (def.resume) args.push('--resume', def.resume);
  const dataPath = cfg.get<string>('data.path');
  if (dataPath) args.push('--data-path', dataPath);
  const runtime = trainingRuntime();
  const exec = new vscode.ProcessExecution(runtime.command, args, { cwd: path.dirname(file), env: { ...runtime.env, ...pythonEnv, NN_PROGRESS_SOCKET: service.socketPath } });
  const task = new vscode.Task(def, folder, `train ${def.train}`, 'nn', exec, []);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  task.group = vscode.TaskGroup.Build;
  return task;
}

export function registerTraining(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): TrainingService {
  const service = new TrainingService(context);
  context.subscriptions.push(service);

  const trainBlocks = async (): Promise<TrainBlock[]> => {
    const c = client();
    if (!c) return [];
    const r = await c.sendRequest<TrainBlocksResult>(TrainBlocksRequest, {});
    return r.trains;
  };

  const definitionOf = (t: TrainBlock): NnTaskDefinition => {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(t.uri));
    return { type: TASK_TYPE, file: folder ? path.relative(folder.uri.fsPath, t.file) : t.file, train: t.name };
  };

  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks: async () => {
        if (!vscode.workspace.isTrusted) return [];
        return (await trainBlocks()).map((t) => createTask(context, service, definitionOf(t), vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(t.uri)) ?? vscode.TaskScope.Workspace));
      },
      resolveTask: (task) => {
        const def = task.definition as NnTaskDefinition;
        if (!def.file || !def.train || !vscode.workspace.isTrusted) return undefined;
        return createTask(context, service, def, task.scope ?? vscode.TaskScope.Workspace);
      },
    }),
    vscode.commands.registerCommand('nn.train', async (uri?: string, name?: string) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Training is disabled in untrusted workspaces: it runs code and writes files. Trust the workspace to train.'));
        return undefined;
      }
      const doc = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      const all = await trainBlocks();
      let candidates = all.filter((t) => !doc || t.uri === doc);
      if (!candidates.length) candidates = all;
      if (name) candidates = candidates.filter((t) => t.name === name);
      if (!candidates.length) {
        void vscode.window.showWarningMessage(name ? vscode.l10n.t("No train block named '{0}'.", name) : vscode.l10n.t('No train block in this workspace: add one, e.g. train t { model: M, data: spiral(), loss: cross_entropy }.'));
        return undefined;
      }
      const pick =
        candidates.length === 1
          ? candidates[0]
          : (await vscode.window.showQuickPick(
              candidates.map((t) => ({ label: t.name, description: vscode.l10n.t('{0} on {1}', t.model ?? '?', t.data ?? '?'), detail: path.basename(t.file), t })),
              { placeHolder: vscode.l10n.t('Which train block?') },
            ))?.t;
      if (!pick) return undefined;
      if (!pick.ok) {
        void vscode.window.showErrorMessage(vscode.l10n.t("'{0}' has errors: fix them first (see Problems).", pick.name));
        return undefined;
      }
      await vscode.workspace.saveAll(false);
      service.chart.open(pick.name);
      return vscode.tasks.executeTask(createTask(context, service, definitionOf(pick), vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(pick.uri)) ?? vscode.TaskScope.Workspace));
    }),
    vscode.commands.registerCommand('nn.stopTraining', () => {
      const n = service.stop();
      if (!n) void vscode.window.showInformationMessage(vscode.l10n.t('No training is running.'));
      return n;
    }),
    // with a run folder (the compare view's "open"): that run's chart, from its metrics.jsonl
    vscode.commands.registerCommand('nn.showChart', (runDir?: unknown) => {
      if (typeof runDir === 'string') return service.chart.showRun(runDir);
      service.chart.reveal();
      return true;
    }),
    vscode.commands.registerCommand('nn.predict', () => predict(context)),
  );
  return service;
}

/** Predict with the best weights of a run: pick the run, give an input, see the answer. */
async function predict(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Predicting is disabled in untrusted workspaces.'));
    return;
  }
  const bests = await vscode.workspace.findFiles('**/runs/**/best/model.json', '**/node_modules/**', 200);
  if (!bests.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No trained run yet: train a model first (NN: Train).'));
    return;
  }
  const runs = bests.map((u) => path.dirname(path.dirname(u.fsPath))).sort().reverse();
  const run = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: path.relative(path.dirname(path.dirname(r)), r), description: path.dirname(r), r })),
    { placeHolder: vscode.l10n.t('Predict with the best weights of which run?') },
  );
  if (!run) return;
  const choices = {
    index: vscode.l10n.t('A test sample by index'),
    numbers: vscode.l10n.t('Numbers (comma-separated)'),
    image: vscode.l10n.t('An image file (PNG or JPEG)'),
    text: vscode.l10n.t('A text (for a model trained on text_csv)'),
  };
  const how = await vscode.window.showQuickPick(Object.values(choices), { placeHolder: vscode.l10n.t('Input') });
  if (!how) return;
  const args = [context.asAbsolutePath(path.join('dist', 'cli.js')), 'predict', run.r];
  if (how === choices.index) {
    const i = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Index of the test sample'), value: '0', validateInput: (v) => (/^\d+$/.test(v) ? undefined : vscode.l10n.t('a whole number')) });
    if (i === undefined) return;
    args.push('--index', i);
  } else if (how === choices.numbers) {
    const v = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Input values, comma-separated') });
    if (!v) return;
    args.push(v);
  } else if (how === choices.text) {
    const v = await vscode.window.showInputBox({ prompt: vscode.l10n.t('The text to classify') });
    if (!v) return;
    args.push(v);
  } else {
    const f = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS.map((e) => e.slice(1)) }, openLabel: vscode.l10n.t('Predict') });
    if (!f?.length) return;
    args.push(f[0].fsPath);
  }
  const runtime = trainingRuntime();
  const out = await new Promise<string>((resolve) =>
    execFile(runtime.command, args, { env: { ...process.env, ...runtime.env }, timeout: 120000 }, (err, stdout, stderr) => resolve(err ? `${stderr || err.message}` : stdout)),
  );
  const channel = output();
  channel.appendLine(`$ nn ${args.slice(1).join(' ')}`);
  channel.appendLine(out.trim());
  channel.show(true);
}

let channel: vscode.OutputChannel | undefined;
function output(): vscode.OutputChannel {
  return (channel ??= vscode.window.createOutputChannel('NN'));
}
