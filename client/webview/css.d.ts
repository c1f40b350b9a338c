// Style sheets imported for their side effect: esbuild bundles them into dist/webview/chart.css.
declare module '*.css';
