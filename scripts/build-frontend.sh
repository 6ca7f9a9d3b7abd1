#!/usr/bin/env bash
# Builds the browser app into frontend/dist: Rust -> wasm32, wasm-split (the pages but the
# dashboard in modules of their own, loaded when visited), wasm-bindgen, wasm-opt, then the
# static files. Every file but index.html gets a hash in its name (so it can be cached for
# good), and every file a gzip and a Brotli variant beside it (so nothing is compressed per
# request). The backend serves that folder (and embeds it in release builds).
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
rm -rf "$dist.new" "$dist.split"
mkdir -p "$dist.new" "$dist.split"
# Every file of a build is named with the build's id (from what it is made of), so the files can
# be cached for good: the main module and the lazily loaded ones name each other, which rules
# out naming each by its own content.
id=${inputs:0:12}
main=plugboard_frontend_$id
# wasm-split cuts each lazily loaded page (frontend/src/pages/lazy.rs) out of the linked wasm,
# with the code only it uses, and code several share into chunks of their own; it writes the
# main module for wasm-bindgen and the loader of the rest (__wasm_split.js), which imports
# the main module's JavaScript.
"$WASM_SPLIT" "$wasm_built" "$dist.split" --out-name "$main" --target web
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$dist.new" --out-name "$main" "$dist.split/$main.wasm"
rm "$dist.split/$main.wasm"
sed -i "s|from \"./__wasm_split.js\"|from \"./__wasm_split.$id.js\"|" "$dist.new/$main.js"
# (Less the comment before each module that lists what needs it: it is in the first download.)
sed -E -e '/^\/\*.*\*\/$/d' -e "s|\./([A-Za-z0-9_]+)\.wasm\"|./\1.$id.wasm\"|" \
  "$dist.split/__wasm_split.js" >"$dist.new/__wasm_split.$id.js"
rm "$dist.split/__wasm_split.js"
for part in "$dist.split"/*.wasm; do
  name=$(basename "$part" .wasm)
  mv "$part" "$dist.new/$name.$id.wasm"
done
rmdir "$dist.split"
# Size first, as `wasm-opt -Oz` (binaryen's, from npm), in two processes side by side: the main
# module, and all the others (most are small: code a few pages share), since a process per
# module would spend most of a second starting. Binaryen warns of the name subsection
# wasm-split copies into each module, which it drops.
binaryen_js=$PLUGBOARD_CACHE/binaryen/node_modules/binaryen/index.js
optimise() { node "$REPO_ROOT/scripts/lib/wasm-opt-all.mjs" "$binaryen_js" "$@" 2> >(grep -v "unknown name subsection" >&2); }
optimise "$dist.new/${main}_bg.wasm" &
optimising_main=$!
others=()
for part in "$dist.new"/*.wasm; do [ "$part" = "$dist.new/${main}_bg.wasm" ] || others+=("$part"); done
optimise "${others[@]}"
wait "$optimising_main"
cp "$REPO_ROOT"/style/plugboard.css "$dist.new/"

# hashed FILE: renames FILE to STEM.HASH.EXT (12 hex digits of its SHA-256); prints the new name.
hashed() {
  local file=$1 name hash
  name=$(basename "$file")
  hash=$(sha256sum "$file" | cut -c1-12)
  mv "$file" "$(dirname "$file")/${name%.*}.$hash.${name##*.}"
  echo "${name%.*}.$hash.${name##*.}"
}
css=$(hashed "$dist.new/plugboard.css")
sed -e "s|/plugboard_frontend.js|/$main.js|" -e "s|/plugboard_frontend_bg.wasm|/${main}_bg.wasm|" \
  "$REPO_ROOT/frontend/boot.js" >"$dist.new/boot.js"
boot=$(hashed "$dist.new/boot.js")
# The page names boot.js and, so that the browser fetches them at once rather than one after
# the other, what boot.js loads: the main module, its loader of the rest, and its wasm.
sed -e "s|/plugboard.css|/$css|" -e "s|/boot.js|/$boot|" -e "s|/plugboard_frontend.js|/$main.js|" \
  -e "s|/__wasm_split.js|/__wasm_split.$id.js|" -e "s|/plugboard_frontend_bg.wasm|/${main}_bg.wasm|" \
  "$REPO_ROOT/frontend/index.html" >"$dist.new/index.html"
# The page of `/` for a caller Plugboard knows (backend/src/spa.rs): it also names the list the
# dashboard shows first, for the browser to fetch beside the code.
sed -e 's|</head>|  <link rel="preload" href="/api/v1/connectors" as="fetch" crossorigin="anonymous">\n  </head>|' \
  "$dist.new/index.html" >"$dist.new/dashboard.html"
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
# What the first page needs: the page, its script and style, and the main module with the
# loader of the rest (the pages' modules come when they are visited).
first_visit=0
for file in dashboard.html "$boot" "$css" "$main.js" "${main}_bg.wasm" "__wasm_split.$id.js"; do
  first_visit=$((first_visit + $(wc -c <"$dist/$file.br")))
done
say "browser app built: $(du -h "$dist/${main}_bg.wasm" | cut -f1) of wasm in the main module," \
  "$(ls "$dist"/*.wasm | wc -l) modules in all; a first visit downloads $((first_visit / 1024)) KiB (Brotli)"
