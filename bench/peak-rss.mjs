// Preloaded (node --import) into the `nn train` processes that bench/train.ts measures: when the
// process exits, it writes its peak resident set size in kilobytes (process.resourceUsage().maxRSS)
// to the file NN_BENCH_RSS_FILE names. Works on every platform; bench/train.ts also samples
// /proc/<pid>/status (VmHWM) on Linux, for runs it has to kill.

import { writeFileSync } from 'node:fs';

const file = process.env.NN_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
