/** nn's version: `nn --version`, and the producer an export records. */
export const VERSION = '0.1.0';
