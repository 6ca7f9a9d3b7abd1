#!/usr/bin/env bash
# Builds the browser app into frontend/dist: Rust -> wasm32, wasm-bindgen, wasm-opt, then the
# static files. The backend serves that folder (and embeds it in release builds).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

dist=$REPO_ROOT/frontend/dist
say "building the browser app (wasm32)"
cargo build --manifest-path "$REPO_ROOT/Cargo.toml" -p plugboard-frontend \
  --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$dist.new"
mkdir -p "$dist.new"
wasm-bindgen --target web --no-typescript --out-dir "$dist.new" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/plugboard_frontend.wasm"
# Size first; the flags name the wasm features rustc emits by default.
"$WASM_OPT" -Oz --enable-bulk-memory --enable-reference-types --enable-mutable-globals \
  --enable-sign-ext --enable-nontrapping-float-to-int --enable-multivalue \
  "$dist.new/plugboard_frontend_bg.wasm" -o "$dist.new/plugboard_frontend_bg.wasm"
cp "$REPO_ROOT/frontend/index.html" "$REPO_ROOT/frontend/boot.js" "$dist.new/"
cp "$REPO_ROOT"/style/*.css "$dist.new/"
rm -rf "$dist"
mv "$dist.new" "$dist"
download=0
for file in "$dist"/*; do download=$((download + $(gzip -9c "$file" | wc -c))); done
say "browser app built: $(du -h "$dist/plugboard_frontend_bg.wasm" | cut -f1) of wasm;" \
  "the browser downloads $((download / 1024)) KiB gzipped"
