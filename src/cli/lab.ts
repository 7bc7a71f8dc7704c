/**
 * `npx tsx src/cli/lab.ts ...` (or `npm run lab -- ...`): the headless lab. Bundles and runs
 * labMain.ts (see src/node/runBundled.ts for why), from any directory.
 */
import { REPO_ROOT, runBundled } from '../node/runBundled';

process.env.EMOGAN_LAB_ROOT = REPO_ROOT;
await runBundled('src/cli/labMain.ts', 'lab');
