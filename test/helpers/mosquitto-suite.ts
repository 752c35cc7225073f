// A plain Mosquitto (no auth, no ACL) for every test of a describe block, in a temp dir of its own.
import { afterAll, beforeAll } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../bench/mosquitto.js';
import { tempDir } from './temp-dir.js';

export interface MosquittoSuite {
  /** The suite's temp dir (valid inside the tests). */
  readonly dir: string;
  readonly mosquitto: Mosquitto;
}

/** Registers beforeAll/afterAll that start and stop Mosquitto; read the fields inside tests. */
export function useMosquitto(): MosquittoSuite {
  let dir: ReturnType<typeof tempDir> | undefined;
  let mosquitto: Mosquitto | undefined;
  beforeAll(async () => {
    dir = tempDir();
    mosquitto = await startMosquitto(dir.path);
  });
  afterAll(async () => {
    await mosquitto?.stop();
    dir?.cleanup();
  });
  return {
    get dir() {
      return dir!.path;
    },
    get mosquitto() {
      return mosquitto!;
    },
  };
}
