// Loads the WebAssembly app; kept out of index.html so a strict Content-Security-Policy works.
import init from "/plugboard_frontend.js";
init({ module_or_path: "/plugboard_frontend_bg.wasm" });
