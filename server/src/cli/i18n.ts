// The command line's own words, in each locale, and the locale itself: `--lang zh-cn|en`, else the
// environment as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Diagnostics are
// localized in the core (core/messages*.ts); this table holds what the CLI says around them.
// The Chinese table must have every key (a missing one is a type error), and
// cli-i18n.test.ts runs the commands in Chinese and fails on English left in their output.

import { toLocale, formatNumber, type Locale } from '../core/messages';
import { testLabels } from '../runtime/train/protocol';

/**
 * The locale for messages: `--lang` when given, else the first of LANGUAGE (a list: zh_CN:en),
 * LC_ALL, LC_MESSAGES, LANG that is set; C and POSIX are English.
 */
export function cliLocale(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Locale {
  if (flag !== undefined) return toLocale(flag);
  for (const v of [env.LANGUAGE?.split(':')[0], env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!v) continue;
    // zh_CN.UTF-8, zh_CN@pinyin: the language and region only
    return toLocale(v.replace(/[.@].*$/, ''));
  }
  return 'en';
}

let current: Locale = 'en';

/** The locale of the command running now (main sets it for each call). */
export function cliLang(): Locale {
  return current;
}

/** Runs `f` with the CLI's words in `locale` (tests call main in-process, one call after another). */
export async function withCliLocale<T>(locale: Locale, f: () => Promise<T>): Promise<T> {
  const was = current;
  current = locale;
  try {
    return await f();
  } finally {
    current = was;
  }
}

const n = (v: number) => formatNumber(v);
const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`;

const en = {
  // nn check
  severity: (s: string) => s,
  checked: (files: number, errors: number, warnings: number) => `${plural(files, 'file', 'files')} checked: ${plural(errors, 'error', 'errors')}, ${plural(warnings, 'warning', 'warnings')}`,
  // nn summary
  cannotRead: (file: string) => `${file}: cannot read the file`,
  noModelNamed: (file: string, wanted: string, have: string[]) => `${file}: no model named '${wanted}'; the file has ${have.map((m) => `'${m}'`).join(', ') || 'no models'}`,
  hasErrors: (file: string, count: number, where: string) => `${file} has ${plural(count, 'error', 'errors')}: run nn check ${where}`,
  // nn train: the progress lines
  trainingStart: (train: string, model: string, params: number, data: string) => `training '${train}': model ${model} (${n(params)} parameters) on ${data}`,
  samples: (train: number, validation: number, test: number, epochs: number, batch: number, kfold?: number) =>
    `${train} training, ${validation} validation, ${test} test samples; ${epochs} epochs of batches of ${batch}${kfold ? `; ${kfold}-fold cross-validation` : ''}`,
  backend: 'backend',
  runFolder: 'run folder',
  resumedInEpoch: (epoch: number, batch: number) => ` (resumed in epoch ${epoch}, after its batch ${batch})`,
  resumedAfter: (epoch: number) => ` (resumed after epoch ${epoch})`,
  fold: 'fold',
  epoch: 'epoch',
  loss: 'loss',
  samplesPerSecond: 'samples/s',
  lastEpoch: 'last epoch',
  eta: 'ETA',
  run: 'run',
  stopped: 'stopped',
  error: 'error',
  done: (epochs: number, time: string, rate: number, best?: number) => `done: ${epochs} epochs in ${time}, ${rate} samples/s${best !== undefined ? `; best epoch ${best}` : ''}`,
  meanStd: 'mean ± std',
  test: (label: string) => `test (${label})`,
  testLabels: (end: { testEpoch?: number; lastTest?: unknown; epochs: number }) => testLabels(end as Parameters<typeof testLabels>[0]),
  predicted: 'predicted',
};

export type CliWords = typeof en;

const zh: CliWords = {
  severity: (s) => ({ error: '错误', warning: '警告', info: '信息', hint: '提示' })[s] ?? s,
  checked: (files, errors, warnings) => `已检查 ${n(files)} 个文件：${n(errors)} 个错误，${n(warnings)} 个警告`,
  cannotRead: (file) => `${file}：无法读取该文件`,
  noModelNamed: (file, wanted, have) => `${file}：没有名为“${wanted}”的模型；该文件${have.length ? `有 ${have.map((m) => `“${m}”`).join('、')}` : '没有模型'}`,
  hasErrors: (file, count, where) => `${file} 有 ${n(count)} 个错误：请运行 nn check ${where}`,
  trainingStart: (train, model, params, data) => `训练“${train}”：模型 ${model}（${n(params)} 个参数），数据 ${data}`,
  samples: (train, validation, test, epochs, batch, kfold) =>
    `训练样本 ${train} 个，验证样本 ${validation} 个，测试样本 ${test} 个；${epochs} 轮，批量大小 ${batch}${kfold ? `；${kfold} 折交叉验证` : ''}`,
  backend: '后端',
  runFolder: '运行文件夹',
  resumedInEpoch: (epoch, batch) => `（从第 ${epoch} 轮的第 ${batch} 批之后继续）`,
  resumedAfter: (epoch) => `（从第 ${epoch} 轮之后继续）`,
  fold: '折',
  epoch: '轮次',
  loss: '损失',
  samplesPerSecond: '样本/秒',
  lastEpoch: '上一轮',
  eta: '剩余',
  run: '全程',
  stopped: '已停止',
  error: '错误',
  done: (epochs, time, rate, best) => `完成：${epochs} 轮，用时 ${time}，${rate} 样本/秒${best !== undefined ? `；最佳为第 ${best} 轮` : ''}`,
  meanStd: '平均值 ± 标准差',
  test: (label) => `测试（${label}）`,
  testLabels: (end) => {
    if (end.testEpoch === undefined) return { test: '保存的权重' };
    if (!end.lastTest) return { test: `第 ${end.testEpoch} 轮的权重` };
    return { test: `最佳权重，第 ${end.testEpoch} 轮`, last: `最后的权重，第 ${end.epochs} 轮` };
  },
  predicted: '预测',
};

/** The words of the locale of the command running now. */
export function words(): CliWords {
  return current === 'en' ? en : zh;
}
