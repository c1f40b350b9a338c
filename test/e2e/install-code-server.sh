#!/bin/sh
# Installs code-server 4.99.4 (VS Code 1.99.3, the last release for Node 20) from the npm
# registry alone, for the end-to-end tests. Nothing is downloaded from elsewhere: the native
# modules are compiled with node-gyp, and ripgrep comes from Debian (/usr/bin/rg).
# Needs (Debian): build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep
# usage: install-code-server.sh DIR      (skips the work when DIR already holds this version)
set -eu
DIR=$1
VERSION=4.99.4
if [ -f "$DIR/node_modules/code-server/package.json" ] && grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/code-server/package.json" && [ -f "$DIR/.complete" ]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR" && cd "$DIR"
rm -f .complete
[ -f package.json ] || echo '{"name":"nn-e2e-code-server","private":true}' > package.json
# never ask GitHub for prebuilt binaries: build them
export npm_config_build_from_source=true
# the package, without its postinstall (which would fetch ripgrep and more)
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
npm rebuild argon2
# what code-server's postinstall does, by hand
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
# node-pty's postinstall runs npx node-gyp; the machine's npmrc may say yes=false
npm_config_yes=true npm rebuild
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --omit=dev)
cd "$DIR" && touch .complete
echo "code-server $VERSION installed in $DIR"
