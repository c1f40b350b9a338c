// End-to-end tests in a real VS Code, offline: code-server 4.99.4 (VS Code 1.99.3) from the npm
// registry, driven by Debian's Chromium through playwright-core.
//
//   1. the mocha suite (test/e2e/suite) inside the extension host, loaded as in
//      @vscode/test-electron (extensionDevelopmentPath + extensionTestsPath, given to the web
//      workbench in the URL's payload);
//   2. the packaged .vsix installed into code-server, then a UI test that opens a sample as a
//      person would, checks the inline shapes and a squiggle, trains from the command palette, and
//      saves screenshots (test/e2e/.work/screenshots).
//
// usage: node --import tsx test/e2e/code-server.ts [--suite-only | --ui-only]
// Needs: /usr/bin/chromium, and what test/e2e/install-code-server.sh needs (it runs once and caches).

/// <reference lib="dom" />

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../server/src/node/ports';

const root = path.resolve(__dirname, '..', '..');
const work = path.join(root, 'test', 'e2e', '.work');
const csDir = path.join(work, 'code-server');
const cs = path.join(csDir, 'node_modules', 'code-server');
const shots = path.join(work, 'screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

function log(...a: unknown[]): void {
  console.log('[e2e]', ...a);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: opts.cwd ?? root, env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
}

/** A workspace folder for the tests: the samples, their data, and the e2e files. */
function prepareWorkspace(): string {
  const ws = path.join(work, 'workspace');
  fs.rmSync(ws, { recursive: true, force: true });
  fs.mkdirSync(ws, { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'samples'))) {
    const p = path.join(root, 'samples', f);
    if (f.endsWith('.nn')) fs.copyFileSync(p, path.join(ws, f));
  }
  fs.cpSync(path.join(root, 'samples', 'data'), path.join(ws, 'data'), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'test', 'e2e', 'workspace'))) fs.copyFileSync(path.join(root, 'test', 'e2e', 'workspace', f), path.join(ws, f));
  return ws;
}

interface Server {
  url: string;
  proc: ChildProcess;
  runDir: string;
}

/** Every piece of code-server's state (HOME, XDG dirs, user data, extensions) under runDir. */
function serverEnv(runDir: string): NodeJS.ProcessEnv {
  const home = path.join(runDir, 'home');
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: path.join(runDir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
  };
}

function serverArgs(runDir: string): string[] {
  for (const d of ['home', 'tmp', 'user-data/User']) fs.mkdirSync(path.join(runDir, d), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'config.yaml'), '');
  const settings = path.join(runDir, 'user-data', 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    fs.writeFileSync(
      settings,
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.enableExperiments': false,
        'workbench.tips.enabled': false,
        'editor.inlayHints.enabled': 'on',
        'window.commandCenter': false,
        'git.openRepositoryInParentFolders': 'never',
      }),
    );
  }
  return [
    path.join(cs, 'out', 'node', 'entry.js'),
    '--config',
    path.join(runDir, 'config.yaml'),
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    // the test folder is trusted: training is refused in untrusted workspaces (tested separately)
    '--disable-workspace-trust',
    '--user-data-dir',
    path.join(runDir, 'user-data'),
    '--extensions-dir',
    path.join(runDir, 'extensions'),
  ];
}

async function startServer(runDir: string): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...serverArgs(runDir), '--bind-addr', `127.0.0.1:${port}`], { env: serverEnv(runDir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = fs.createWriteStream(path.join(runDir, 'code-server.log'));
  proc.stdout!.pipe(logFile);
  proc.stderr!.pipe(logFile);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited ${proc.exitCode}; see ${runDir}/code-server.log`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('code-server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, proc, runDir };
}

function stopServer(s: Server): void {
  try {
    process.kill(-s.proc.pid!, 'SIGTERM'); // the whole group: the extension host outlives otherwise
  } catch {
    // already gone
  }
}

async function remoteAuthority(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  const m = /id="vscode-workbench-web-configuration" data-settings="([^"]*)"/.exec(html);
  if (!m) throw new Error('cannot read the workbench configuration from the page');
  return (JSON.parse(m[1].replace(/&quot;/g, '"')) as { remoteAuthority: string }).remoteAuthority;
}

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** The mocha suite in the extension host; resolves with its exit code. */
async function runSuite(server: Server, workspace: string): Promise<number> {
  const auth = await remoteAuthority(server.url);
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${auth}${root}`],
    ['extensionTestsPath', `vscode-remote://${auth}${path.join(root, 'out', 'e2e', 'index')}`],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const browser = await launch();
  try {
    const page = await browser.newPage();
    let done!: (code: number) => void;
    const exited = new Promise<number>((r) => (done = r));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = util.format(...args);
      if (!/^Ignoring fetching additional builtin|^Updating additional builtin|^\[Service Worker\]/.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => done(code));
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    await page.goto(url);
    const timeout = new Promise<number>((r) => setTimeout(() => r(-1), 600_000));
    const code = await Promise.race([exited, timeout]);
    if (code === -1) log('the suite timed out');
    return code;
  } finally {
    await browser.close();
  }
}

function packageVsix(): string {
  run('npm', ['run', 'package']);
  const vsix = path.join(root, 'nn-lang.vsix');
  if (!fs.existsSync(vsix)) throw new Error('npm run package made no nn-lang.vsix');
  return vsix;
}

function installVsix(runDir: string, vsix: string): void {
  const r = spawnSync(process.execPath, [...serverArgs(runDir), '--install-extension', vsix], { env: serverEnv(runDir), encoding: 'utf8' });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
  log('installed', path.basename(vsix));
}

/** Run a command from the palette (F1), choosing the row with exactly its title. */
async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${command}`);
  await page.getByRole('option', { name: command, exact: true }).click();
}

/** A person's session: open a sample, see shapes and a squiggle, train from the palette. */
async function runUi(server: Server, workspace: string): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await launch();
  const foreign = new Set<string>();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('request', (r) => {
      const u = new URL(r.url());
      // webview resources use a *.vscode-cdn.net address that VS Code's service worker answers
      // locally (every other host resolves to nothing here, and the chart still loads)
      const local = u.hostname === '127.0.0.1' || u.hostname.endsWith('.vscode-resource.vscode-cdn.net') || ['data:', 'blob:'].includes(u.protocol);
      if (!local) foreign.add(r.url().slice(0, 100));
    });
    page.on('pageerror', (e) => log('[pageerror]', e.message));
    const t0 = Date.now();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench');
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    log('workbench ready in', Date.now() - t0, 'ms');

    // open broken.nn from the explorer: its shapes appear inline and its mistake is underlined
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'broken.nn' }).click();
    await page.waitForSelector('.editor-instance .view-lines');
    await page.waitForFunction(() => document.querySelector('#status\\.editor\\.mode')?.textContent?.includes('NN'), null, { timeout: 30_000 });
    await page.waitForSelector('.editor-instance .squiggly-error', { timeout: 60_000 });
    // inlay hints are rendered inline, with non-breaking spaces
    const viewText = () => (document.querySelector('.editor-instance .view-lines') as HTMLElement | null)?.innerText.replace(/\u00a0/g, ' ') ?? '';
    await page.waitForFunction(`(${viewText.toString()})().includes('→ [784]')`, null, { timeout: 60_000 });
    const lines = (await page.locator('.editor-instance .view-lines').innerText()).replace(/\u00a0/g, ' ');
    if (!lines.includes('→ [10]')) throw new Error(`no inline shape for the last layer:\n${lines}`);
    // the cursor on the mistake, then Ctrl+K Ctrl+I (Show Hover), as a keyboard user would
    await page.locator('.editor-instance .view-line span span', { hasText: /^rleu$/ }).first().click();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page.locator('.monaco-hover', { hasText: "did you mean 'relu'" }).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500); // let the hover finish fading in for the picture
    await page.screenshot({ path: path.join(shots, 'editor.png') });
    log('editor: inline shapes and a squiggle with its message; screenshot editor.png');

    // open quick.nn and train it from the command palette
    await page.keyboard.press('Escape');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'quick.nn' }).click();
    await page.waitForFunction(() => document.querySelector('.tab.active')?.textContent?.includes('quick.nn'), null, { timeout: 30_000 });
    await page.locator('.editor-instance .view-lines').first().click();
    await palette(page, 'NN: Train');
    // two train blocks in the file: pick one
    await page.getByRole('option', { name: /^quick\b/ }).click();
    const runsDir = path.join(workspace, 'runs', 'quick');
    const deadline = Date.now() + 180_000;
    let best: string | undefined;
    while (!best && Date.now() < deadline) {
      const runs = fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : [];
      best = runs.map((r) => path.join(runsDir, r, 'report.json')).find((p) => fs.existsSync(p));
      if (!best) await page.waitForTimeout(500);
    }
    if (!best) throw new Error('training from the palette wrote no report within 180 s');
    const runDir = path.dirname(best);
    if (!fs.existsSync(path.join(runDir, 'best', 'model.json'))) throw new Error(`no best weights in ${runDir}`);
    log('trained from the palette:', path.relative(workspace, runDir));
    await page.waitForTimeout(1500); // the last events reach the chart
    await page.screenshot({ path: path.join(shots, 'training.png') });
    log('chart and task terminal: screenshot training.png');
    if (foreign.size) throw new Error(`requests left the machine: ${[...foreign].join(', ')}`);
  } catch (e) {
    // what the screen showed when it failed
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages[0]) await pages[0].screenshot({ path: path.join(shots, 'failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const only = process.argv[2];
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium');
  run('sh', [path.join(root, 'test', 'e2e', 'install-code-server.sh'), csDir]);
  const workspace = prepareWorkspace();
  let failed = 0;
  if (only !== '--ui-only') {
    const runDir = path.join(work, 'run-suite');
    fs.rmSync(runDir, { recursive: true, force: true });
    const server = await startServer(runDir);
    try {
      const code = await runSuite(server, workspace);
      log(`extension-host suite: exit code ${code}`);
      if (code !== 0) failed++;
    } finally {
      stopServer(server);
    }
  }
  if (only !== '--suite-only') {
    const runDir = path.join(work, 'run-ui');
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    installVsix(runDir, packageVsix());
    const server = await startServer(runDir);
    try {
      await runUi(server, prepareWorkspace());
      log('UI test passed');
    } catch (e) {
      failed++;
      log('UI test failed:', e instanceof Error ? e.message : e);
    } finally {
      stopServer(server);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('[e2e]', e);
    process.exit(1);
  },
);
