// Optimises every wasm module named on the command line for size, in place, as `wasm-opt -Oz`
// does (run twice), in one process: the browser app is split into many small modules, and a wasm-opt
// process per module spends most of a second starting (scripts/build-frontend.sh).
// Usage: node wasm-opt-all.mjs BINARYEN_INDEX_JS FILE...
import { readFileSync, writeFileSync } from "node:fs";

const [binaryenPath, ...files] = process.argv.slice(2);
const binaryen = (await import(binaryenPath)).default;
// The features rustc emits by default (those `wasm-opt --enable-...` would name).
const features = [
  "BulkMemory", "BulkMemoryOpt", "ReferenceTypes", "MutableGlobals", "SignExt", "NontrappingFPToInt",
  "Multivalue",
].reduce((all, name) => all | binaryen.Features[name], binaryen.Features.MVP);
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
for (const file of files) {
  const module = binaryen.readBinary(readFileSync(file));
  module.setFeatures(features);
  // Twice: the second pass finds a little more to shrink in what the first left.
  module.optimize();
  module.optimize();
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
