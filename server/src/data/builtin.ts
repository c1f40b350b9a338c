// Finding the IDX files of the built-in datasets (mnist, fashion_mnist), and downloading them
// once when they are nowhere on the machine.
//
// Where they are looked for, in this order (the first folder holding all four files wins):
//   1. the `path:` argument (relative to the .nn file): that folder, or its fashion-mnist/ or
//      mnist/ subfolder; given but without the files, it is an error (no other place is tried)
//   2. the nn.data.path setting (LoadOptions.dataPath), then the NN_DATA variable: a folder with
//      fashion-mnist/ or mnist/ subfolders, or with the files directly
//   3. /usr/share/datasets/fashion-mnist or /usr/share/datasets/mnist (Debian's
//      dataset-fashion-mnist package installs the first)
//   4. the download cache: LoadOptions.cacheDir (default ~/.cache/nn-lang/datasets), subfolder
//      fashion-mnist/ or mnist/
//   5. a download into that cache, unless LoadOptions.download is false.
// A folder with some of the four files but not all is an error that names the missing ones
// (except the cache, where the missing files are downloaded).
//
// Each file is train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte or
// t10k-labels-idx1-ubyte, gzipped (.gz) or not.
//
// Downloads: HTTPS only (plain http only to 127.0.0.1, localhost or ::1: tests and local
// mirrors), redirects followed (to HTTPS, or loopback http), the mirror replaceable by
// NN_DATA_MIRROR (a base URL holding fashion-mnist/ and mnist/ folders), each .gz checked
// against the official MD5 checksum, written to a temporary file in the cache folder, synced and
// renamed into place: an interrupted or corrupt download never leaves a file in the cache.
// Local files are checked unpacked: their header against the known number of images (60,000 and
// 10,000 of 28x28), their size against the header, and, where `unpackedSha256` is known
// (Fashion-MNIST), their content; their .gz bytes are not checked: Debian's are recompressed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import * as crypto from 'node:crypto';
import type { LoadOptions } from './types';
import { DataError } from './errors';
import { rmsg, renderRuntime, type RuntimeMessage } from '../core/runtime-messages';

export type BuiltinName = 'mnist' | 'fashion_mnist';
export const FILE_KEYS = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;
export type FileKey = (typeof FILE_KEYS)[number];
export type FileSet = Record<FileKey, string>;

/** The file names, without .gz */
export const FILE_NAMES: FileSet = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export interface BuiltinSpec {
  name: BuiltinName;
  title: string;
  /** the folder name under NN_DATA, /usr/share/datasets, the cache and a mirror */
  folder: string;
  /** the official download location, ending in / */
  base: string;
  /** MD5 of each official .gz file */
  md5: FileSet;
  /**
   * SHA-256 of each file unpacked, where known (computed from Debian's dataset-fashion-mnist,
   * whose .gz files are recompressed: other bytes, the same content); local files are checked
   * against these, since their .gz bytes cannot be
   */
  unpackedSha256?: FileSet;
  classNames: string[];
  /** the Debian package that installs it into /usr/share/datasets, if there is one */
  debianPackage?: string;
}

export const BUILTINS: Record<BuiltinName, BuiltinSpec> = {
  fashion_mnist: {
    name: 'fashion_mnist',
    title: 'Fashion-MNIST',
    folder: 'fashion-mnist',
    base: 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    md5: {
      trainImages: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      trainLabels: '25c81989df183df01b3e8a0aad5dffbe',
      testImages: 'bef4ecab320f06d8554ea6380940ec79',
      testLabels: 'bb300cfdad3c16e7a12a480ee83cd310',
    },
    unpackedSha256: {
      trainImages: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
      trainLabels: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
      testImages: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
      testLabels: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    debianPackage: 'dataset-fashion-mnist',
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST',
    folder: 'mnist',
    base: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    md5: {
      trainImages: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      trainLabels: 'd53e105ee54ea40749a09fcbcd1e9432',
      testImages: '9fb629c4189551a2d022fa330f9573f3',
      testLabels: 'ec29112dd5afa0611ce80d1b7f02629c',
    },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
};

/** Settings for tests (and tools); production code passes none. */
export interface BuiltinOverrides {
  /** checksums that downloads are checked against instead of the official ones */
  md5?: Partial<FileSet>;
  /** the checksum an archive download (CIFAR's .tar.gz) is checked against instead of the official one */
  archiveMd5?: string;
  /** the folder holding Debian's datasets (default /usr/share/datasets) */
  systemRoot?: string;
  /** how long a connection may stay silent, in ms (default 30 s) */
  timeoutMs?: number;
  /** accept local files of any number of images and any content (tests write small stand-ins) */
  anyContent?: boolean;
}

export interface Located {
  /** absolute paths of the four files */
  files: FileSet;
  /** where they were found or downloaded from, for the run log */
  source: string;
}

const SYSTEM_ROOT = '/usr/share/datasets';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const MAX_REDIRECTS = 5;

export function defaultCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'nn-lang', 'datasets');
}

export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A folder, or a link to one. */
export function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The files of a dataset present in `dir` (gzipped preferred), by key. */
function filesIn(dir: string): Partial<FileSet> {
  const found: Partial<FileSet> = {};
  for (const k of FILE_KEYS) {
    const p = [`${FILE_NAMES[k]}.gz`, FILE_NAMES[k]].map((f) => path.join(dir, f)).find(isFile);
    if (p) found[k] = p;
  }
  return found;
}

function missingNames(found: Partial<FileSet>): string[] {
  return FILE_KEYS.filter((k) => !found[k]).map((k) => `${FILE_NAMES[k]}.gz`);
}

/** The complete set in the first of `dirs` that has one; a folder with only some of them is an error. */
function completeSetIn(dirs: string[], spec: BuiltinSpec): FileSet | undefined {
  for (const d of dirs) {
    const found = filesIn(d);
    const missing = missingNames(found);
    if (missing.length === 0) return found as FileSet;
    if (missing.length < FILE_KEYS.length) {
      throw new DataError(d, rmsg('someFiles', { title: spec.title, missing: missing.join(', '), gz: true }));
    }
  }
  return undefined;
}

/** A root folder may hold the dataset in its own subfolder, or the files directly. */
function underRoot(root: string, spec: BuiltinSpec): string[] {
  return [path.join(root, spec.folder), root];
}

/** Finds (or downloads) the four IDX files of a built-in dataset. `pathArg` is the `path:` argument, relative to `fromDir`. */
export async function locateBuiltin(name: BuiltinName, pathArg: string | undefined, fromDir: string, opts: LoadOptions, over: BuiltinOverrides = {}): Promise<Located> {
  const spec = BUILTINS[name];
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const found = (files: FileSet, where: string): Located => {
    say(log, rmsg('usingData', { name, where }));
    return { files, source: where };
  };

  if (pathArg !== undefined) {
    const root = path.resolve(fromDir, pathArg);
    const dirs = underRoot(root, spec);
    const files = completeSetIn(dirs, spec);
    if (files) return found(files, path.dirname(files.trainImages));
    throw new DataError(pathArg, rmsg('noFilesIn', { title: spec.title, dirs, expected: FILE_KEYS.map((k) => `${FILE_NAMES[k]}.gz`).join(', ') }));
  }

  const looked: string[] = [];
  const roots: [string, string | undefined][] = [
    ['nn.data.path', opts.dataPath],
    ['NN_DATA', env.NN_DATA],
  ];
  for (const [what, root] of roots) {
    if (!root) continue;
    const dirs = underRoot(path.resolve(root), spec);
    looked.push(...dirs.map((d) => `${d} (${what})`));
    const files = completeSetIn(dirs, spec);
    if (files) return found(files, path.dirname(files.trainImages));
  }

  const system = path.join(over.systemRoot ?? SYSTEM_ROOT, spec.folder);
  looked.push(system);
  const sysFiles = completeSetIn([system], spec);
  if (sysFiles) return found(sysFiles, system);

  const cache = path.join(opts.cacheDir ?? defaultCacheDir(), spec.folder);
  looked.push(cache);
  const cached = filesIn(cache);
  const missing = FILE_KEYS.filter((k) => !cached[k]);
  if (missing.length === 0) return found(cached as FileSet, cache);

  if (opts.download === false) {
    const files = FILE_KEYS.map((k) => `${FILE_NAMES[k]}.gz`).join(', ');
    throw new DataError(name, rmsg('notFoundOffline', { title: spec.title, looked: looked.join(', '), files, ...(spec.debianPackage ? { debian: spec.debianPackage } : {}) }));
  }

  const base = mirrorBase(spec, env);
  removeStaleParts(cache);
  for (const k of missing) {
    const file = `${FILE_NAMES[k]}.gz`;
    const dest = path.join(cache, file);
    await download(new URL(file, base), dest, over.md5?.[k] ?? spec.md5[k], { log, timeoutMs: over.timeoutMs ?? 30_000, cache });
    cached[k] = dest;
  }
  return { files: cached as FileSet, source: `${base} (downloaded into ${cache})` };
}

const PART = /^.+\.(\d+)\.[0-9a-f]+\.part$/;

/**
 * Removes the temporary files of downloads whose process is gone (killed, or stopped by Ctrl-C,
 * which skips cleanup). Their names carry the process id: <file>.<pid>.<random>.part.
 */
export function removeStaleParts(folder: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return; // no cache folder yet: nothing to clean
  }
  for (const name of names) {
    const m = PART.exec(name);
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(folder, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The URL the files are downloaded from: NN_DATA_MIRROR/<folder>/, or the official location. */
export function mirrorBase(spec: { folder: string; base: string }, env: Record<string, string | undefined>): URL {
  const mirror = env.NN_DATA_MIRROR;
  if (!mirror) return new URL(spec.base);
  let u: URL;
  try {
    u = new URL(mirror.endsWith('/') ? mirror : mirror + '/');
  } catch {
    throw new DataError('NN_DATA_MIRROR', rmsg('notAUrl', { url: mirror }));
  }
  checkUrl(u, 'NN_DATA_MIRROR', 'mirror');
  return new URL(`${spec.folder}/`, u);
}

/** Only https, or plain http to this machine; `what` names the URL's origin in the error ("NN_DATA_MIRROR", "redirected to"). */
function checkUrl(u: URL, file: string, what: 'mirror' | 'redirect' | 'download'): void {
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return;
  throw new DataError(file, rmsg('onlyHttps', { what, url: u.href }));
}

/** A note of loading, to `log`: its English and its message id. */
export function say(log: NonNullable<LoadOptions['log']>, m: RuntimeMessage): void {
  log(renderRuntime(m, 'en'), m);
}

export interface DownloadContext {
  log: NonNullable<LoadOptions['log']>;
  timeoutMs: number;
  /** the cache folder, named in the advice when a download fails */
  cache: string;
}


/** Requests `url`, following redirects; resolves with the 200 response. */
function request(url: URL, ctx: DownloadContext, original: URL, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    let response: http.IncomingMessage | undefined;
    const req = get(url, { timeout: ctx.timeoutMs }, (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new DataError(original.href, rmsg('tooManyRedirects', { max: MAX_REDIRECTS })));
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
          checkUrl(next, original.href, 'redirect');
        } catch (e) {
          return reject(e);
        }
        request(next, ctx, original, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        return reject(new DataError(url.href, rmsg('httpStatus', { status: `${status} ${res.statusMessage ?? ''}`.trimEnd(), cache: ctx.cache })));
      }
      resolve(res);
    });
    req.on('timeout', () => {
      // silent before the answer (reported as unreachable) or in the middle of the body (broke off)
      const e = Object.assign(new Error(`no answer for ${ctx.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' });
      response?.destroy(e);
      req.destroy(e);
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(new DataError(url.href, rmsg('unreachable', { host: url.host, why: networkProblem(e), cache: ctx.cache }))));
  });
}

function networkProblem(e: NodeJS.ErrnoException): RuntimeMessage {
  if (e.code === 'ECONNREFUSED') return rmsg('connectionRefused');
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return rmsg('hostNotFound');
  return rmsg('systemText', { text: e.message });
}

function formatSize(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** Downloads `url` to `dest` through a temporary file, checking its MD5; nothing is left at `dest` unless it is complete and correct. */
export async function download(url: URL, dest: string, md5: string, ctx: DownloadContext): Promise<void> {
  checkUrl(url, url.href, 'download');
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
  const fh = await fs.promises.open(tmp, 'w');
  let closed = false;
  try {
    say(ctx.log, rmsg('downloading', { url: url.href }));
    const res = await request(url, ctx, url);
    const total = Number(res.headers['content-length']) || 0;
    const hash = crypto.createHash('md5');
    let got = 0;
    let reported = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        hash.update(chunk);
        await fh.write(chunk);
        got += chunk.length;
        const quarter = total ? Math.floor((4 * got) / total) : 0;
        if (quarter > reported && quarter < 4) {
          reported = quarter;
          say(ctx.log, rmsg('downloadProgress', { file: path.basename(dest), percent: quarter * 25, total: formatSize(total) }));
        }
      }
    } catch (e) {
      res.destroy();
      throw new DataError(url.href, rmsg('downloadBroke', { got: formatSize(got), ...(total ? { total: formatSize(total) } : {}), why: (e as Error).message, cache: ctx.cache }));
    }
    if (total && got !== total) {
      throw new DataError(url.href, rmsg('downloadBroke', { got: formatSize(got), total: formatSize(total), cache: ctx.cache }));
    }
    const sum = hash.digest('hex');
    if (sum !== md5) throw new DataError(url.href, rmsg('checksum', { md5, got: sum }));
    await fh.sync();
    await fh.close();
    closed = true;
    await fs.promises.rename(tmp, dest);
    await syncFolder(path.dirname(dest));
    say(ctx.log, rmsg('downloadSaved', { file: dest, size: formatSize(got) }));
  } finally {
    if (!closed) await fh.close();
    await fs.promises.rm(tmp, { force: true });
  }
}

/** Makes a rename durable: fsync of the folder that holds the file. */
export async function syncFolder(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the rename itself
  if (process.platform === 'win32') return;
  const d = await fs.promises.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
