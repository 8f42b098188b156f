import type { Logger } from './logger';

/** However a clean stop hangs (say a request Discord never answers), the process ends this long after the signal. */
export const FORCED_EXIT_MS = 10_000;

/**
 * What a stop signal (Ctrl-C, SIGTERM) does: the first begins a clean stop and arms a forced exit
 * in case that stop hangs; a second signal exits at once.
 */
export function onStopSignal(options: { logger: Logger; begin: () => void; exit: (code: number) => void }): (signal: NodeJS.Signals) => void {
  const { logger, begin, exit } = options;
  let stopping = false;
  return (signal) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took longer than 10 s: exiting anyway');
      exit(1);
    }, FORCED_EXIT_MS).unref();
    begin();
  };
}
