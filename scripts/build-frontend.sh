#!/usr/bin/env bash
# Builds the browser app into frontend/dist: Rust -> wasm32, wasm-bindgen, wasm-opt, then the
# static files. Every file but index.html gets its content's hash in its name (so it can be
# cached for good), and every file a gzip and a Brotli variant beside it (so nothing is
# compressed per request). The backend serves that folder (and embeds it in release builds).
# When nothing that goes into it changed since the last build, the folder is kept as it is, or
# copied from the last build of any clone (kept in the cache folder: CI builds a fresh clone).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

dist=$REPO_ROOT/frontend/dist
# What the folder was made from (outside it, so it is not served), to skip an unchanged build.
stamp=$REPO_ROOT/frontend/dist.inputs
say "building the browser app (wasm32)"
cargo build --manifest-path "$REPO_ROOT/Cargo.toml" -p plugboard-frontend \
  --target wasm32-unknown-unknown --profile wasm-release --target-dir "$WASM_TARGET_DIR"
wasm_built=$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/plugboard_frontend.wasm
inputs=$(cat "$wasm_built" \
  "$REPO_ROOT/style/plugboard.css" "$REPO_ROOT/frontend/boot.js" "$REPO_ROOT/frontend/index.html" \
  "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$dist/index.html" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
  say "browser app unchanged: $dist"
  exit 0
fi
last_build=$PLUGBOARD_CACHE/frontend-dist
if [ -f "$last_build/$inputs/index.html" ]; then
  rm -rf "$dist"
  cp -r "$last_build/$inputs" "$dist"
  echo "$inputs" >"$stamp"
  say "browser app unchanged since the last build (in $last_build): copied"
  exit 0
fi
rm -rf "$dist.new"
mkdir -p "$dist.new"
wasm-bindgen --target web --no-typescript --out-dir "$dist.new" \
  "$wasm_built"
# Size first; the flags name the wasm features rustc emits by default.
"$WASM_OPT" -Oz --enable-bulk-memory --enable-reference-types --enable-mutable-globals \
  --enable-sign-ext --enable-nontrapping-float-to-int --enable-multivalue \
  "$dist.new/plugboard_frontend_bg.wasm" -o "$dist.new/plugboard_frontend_bg.wasm"
cp "$REPO_ROOT"/style/plugboard.css "$dist.new/"

# hashed FILE: renames FILE to STEM.HASH.EXT (12 hex digits of its SHA-256); prints the new name.
hashed() {
  local file=$1 name hash
  name=$(basename "$file")
  hash=$(sha256sum "$file" | cut -c1-12)
  mv "$file" "$(dirname "$file")/${name%.*}.$hash.${name##*.}"
  echo "${name%.*}.$hash.${name##*.}"
}
js=$(hashed "$dist.new/plugboard_frontend.js")
wasm=$(hashed "$dist.new/plugboard_frontend_bg.wasm")
css=$(hashed "$dist.new/plugboard.css")
sed -e "s|/plugboard_frontend.js|/$js|" -e "s|/plugboard_frontend_bg.wasm|/$wasm|" \
  "$REPO_ROOT/frontend/boot.js" >"$dist.new/boot.js"
boot=$(hashed "$dist.new/boot.js")
sed -e "s|/plugboard.css|/$css|" -e "s|/boot.js|/$boot|" \
  "$REPO_ROOT/frontend/index.html" >"$dist.new/index.html"
for file in "$dist.new"/*; do
  gzip -9 -k -n "$file"
  brotli -q 11 -k "$file"
done
rm -rf "$dist"
mv "$dist.new" "$dist"
echo "$inputs" >"$stamp"
rm -rf "$last_build"
mkdir -p "$last_build"
cp -r "$dist" "$last_build/$inputs"
first_visit=0
for file in "$dist"/*.br; do first_visit=$((first_visit + $(wc -c <"$file"))); done
say "browser app built: $(du -h "$dist/$wasm" | cut -f1) of wasm;" \
  "a first visit downloads $((first_visit / 1024)) KiB (Brotli)"
