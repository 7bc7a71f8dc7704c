// The e2e tests drive Debian's Chromium; say how to get it instead of failing obscurely.
import { existsSync } from 'node:fs';
const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.error(`Chromium was not found at ${path}. Install Debian's build with:\n  sudo apt-get update && sudo apt-get install -y chromium\n(or set CHROMIUM_PATH to a Chromium binary). Playwright's own browser download is not used.`);
  process.exit(1);
}
