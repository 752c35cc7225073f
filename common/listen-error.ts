// A socket that cannot listen (a port another process holds, an address this host does not
// have) is a configuration problem, not a crash: the message names the address and the flag
// that moves it, and the caller exits non-zero instead of printing a stack trace.
import { HopwatchError } from './error-codes.js';

export interface ListenTarget {
  /** What listens, for the message ("embedded MQTT broker", "HTTP API"). */
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The command-line flag that changes the port. */
  readonly flag: string;
  readonly code: string;
}

export function listenError(err: unknown, target: ListenTarget): HopwatchError {
  const reason = (err as NodeJS.ErrnoException).code;
  const where = `${target.host}:${target.port}`;
  const move = `choose another port with --${target.flag} N (0: any free port; with npm start: npm start -- --${target.flag} N)`;
  const message = reason === 'EADDRINUSE'
    ? `${target.what} cannot listen on ${where}: the port is in use by another process (EADDRINUSE); ${move}`
    : reason === 'EACCES'
      ? `${target.what} cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges); ${move}`
      : `${target.what} cannot listen on ${where}: ${(err as Error).message}`;
  return new HopwatchError(target.code, message, { cause: err });
}
