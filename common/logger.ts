// One pino logger per process; components take child loggers ({ component: 'joiner' }).
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: false }));
}

/** For tests and embedded use: logs nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
