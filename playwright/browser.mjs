// Launches Debian's Chromium headless for the end-to-end tests (shared/STACK.md, section 3).
import { chromium } from "playwright-core";

export const BASE_URL = process.env.PLUGBOARD_URL ?? "http://127.0.0.1:8080";

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
