// The agent buffer's contract (buffer-store-contract.ts) on its SQLite implementation.
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openBufferStore } from '../../../agent/buffer-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { bufferStoreContract } from './buffer-store-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
let files = 0;

bufferStoreContract({
  name: 'a SQLite file',
  location() {
    const file = join(dir.path, `buffer-${files++}.db`);
    return { open: (maxBytes) => openBufferStore({ file, maxBytes }) };
  },
});
