// A disk that can be filled and emptied for real: a small tmpfs mounted in a temp dir (needs
// root or CAP_SYS_ADMIN), filled with a filler file until the kernel answers ENOSPC.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FullDisk {
  readonly path: string;
  /** Fills every free byte (the filler file grows until ENOSPC). */
  fill(): void;
  /** Gives the space back. */
  free(): void;
  cleanup(): void;
}

/** A tmpfs of `bytes`; undefined when this process may not mount one. */
export function mountSmallDisk(bytes: number): FullDisk | undefined {
  const path = mkdtempSync(join(tmpdir(), 'hopwatch-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch {
    rmdirSync(path);
    return undefined;
  }
  const filler = join(path, 'filler');
  return {
    path,
    fill() {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(4096, 0xa5);
      try {
        for (;;) writeSync(fd, block);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    cleanup() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmdirSync(path);
    },
  };
}
