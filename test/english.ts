// Loaded before every unit test (.mocharc.json "require"): the tests read nn's English messages, so
// the command line must not pick Chinese from the machine's locale (LANG=zh_CN.UTF-8); the tests of
// the Chinese command line set it per call (cli-i18n.test.ts).
for (const k of ['LANGUAGE', 'LC_ALL', 'LC_MESSAGES']) delete process.env[k];
process.env.LANG = 'C.UTF-8';
