// Many tests run peers with spawnSync, which blocks this worker's event loop. Vitest's worker expects answers to
// its progress messages within 60 s, and only reads them when the loop turns; a file of synchronous tests could
// hold it longer than that ("Timeout calling onTaskUpdate"). Letting the loop turn between tests avoids it.
import { afterEach, beforeEach } from 'vitest';

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));
beforeEach(turn);
afterEach(turn);
