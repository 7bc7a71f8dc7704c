/** `npm run bench` entry (tsx): bundles and runs benchMain.ts (see src/node/runBundled.ts for why). */
import { runBundled } from '../node/runBundled';

await runBundled('src/bench/benchMain.ts', 'bench');
