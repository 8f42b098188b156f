// How Hearth's requests reach Discord's API, and why acknowledgements have connections of their own.
import { Agent, Dispatcher } from 'undici';

/**
 * Connections kept for acknowledgements (an interaction's callback) and nothing else. Without
 * them, discord.js opens a connection for every request in flight: the acknowledgements of a rush
 * leave together (a turn's clicks are written in one transaction), so close to every click of a
 * rush opened a connection (with Discord, a TLS handshake) used once. 256 at a 100 ms round trip
 * carry 2,560 acknowledgements a second; they also bound how many a rush opens, as each goes out
 * only after the bot's event loop comes round (fewer made a rush of 2,000 wait on them).
 */
export const ACK_CONNECTIONS = 256;

/**
 * The longest an acknowledgement waits for one of its connections; then it goes on a connection of
 * its own, as every request would without the lane. So a lane held up by slow acknowledgements (a
 * network stall) never holds the next one back longer than this.
 */
export const ACK_WAIT_MS = 250;

// POST /interactions/{id}/{token}/callback, whatever the API's prefix and query.
const ACK_PATH = /\/interactions\/\d+\/[^/]+\/callback(?:\?|$)/;

type Options = Dispatcher.DispatchOptions;
type Handler = Dispatcher.DispatchHandlers;

interface Waiting {
  options: Options;
  handler: Handler;
  since: number;
}

/**
 * The dispatcher of one client's REST requests (each bot its own, closed with it). Everything but
 * acknowledgements goes out as discord.js would send it, so a slow edit, fetch or upload never
 * stands in front of a click. Acknowledgements take one of ACK_CONNECTIONS kept open, in order.
 */
export class DiscordConnections extends Dispatcher {
  private readonly others = new Agent();
  private readonly acks = new Agent({ connections: ACK_CONNECTIONS });
  private inFlight = 0;
  private readonly waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  override dispatch(options: Options, handler: Handler): boolean {
    if (!ACK_PATH.test(options.path)) return this.others.dispatch(options, handler);
    if (this.inFlight < ACK_CONNECTIONS && this.waiting.length === 0) this.send(options, handler);
    else {
      this.waiting.push({ options, handler, since: performance.now() });
      this.timer ??= setTimeout(() => this.overflow(), ACK_WAIT_MS);
    }
    return true;
  }

  private send(options: Options, handler: Handler): void {
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) this.send(next.options, next.handler);
    };
    this.acks.dispatch(options, new Finished(handler, finish));
  }

  /** Acknowledgements that waited ACK_WAIT_MS go out on connections of their own. */
  private overflow(): void {
    this.timer = undefined;
    const late = performance.now() - ACK_WAIT_MS;
    while (this.waiting.length > 0 && this.waiting[0]!.since <= late) {
      const { options, handler } = this.waiting.shift()!;
      this.others.dispatch(options, handler);
    }
    if (this.waiting.length > 0) this.timer = setTimeout(() => this.overflow(), this.waiting[0]!.since + ACK_WAIT_MS - performance.now());
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.flushWaiting();
    return settle(Promise.all([this.acks.close(), this.others.close()]), callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof first === 'function' ? null : (first ?? null);
    this.flushWaiting();
    return settle(Promise.all([this.acks.destroy(error), this.others.destroy(error)]), typeof first === 'function' ? first : callback);
  }

  private flushWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const { options, handler } of this.waiting.splice(0)) this.others.dispatch(options, handler);
  }
}

/** undici's two ways of saying a dispatcher is closed: a promise, or a callback. */
function settle(done: Promise<unknown>, callback?: () => void): Promise<void> | void {
  const over = done.then(() => undefined);
  if (!callback) return over;
  over.then(callback, callback);
}

/** Passes everything through to the request's own handler, and says once when the request is over, however it ended. */
class Finished implements Handler {
  constructor(
    private readonly handler: Handler,
    private readonly finish: () => void,
  ) {}

  onConnect(...args: Parameters<NonNullable<Handler['onConnect']>>) {
    return this.handler.onConnect?.(...args);
  }
  onResponseStarted() {
    return this.handler.onResponseStarted?.();
  }
  onHeaders(...args: Parameters<NonNullable<Handler['onHeaders']>>) {
    return this.handler.onHeaders?.(...args) ?? true;
  }
  onData(...args: Parameters<NonNullable<Handler['onData']>>) {
    return this.handler.onData?.(...args) ?? true;
  }
  onBodySent(...args: Parameters<NonNullable<Handler['onBodySent']>>) {
    return this.handler.onBodySent?.(...args);
  }
  onUpgrade(...args: Parameters<NonNullable<Handler['onUpgrade']>>) {
    return this.handler.onUpgrade?.(...args);
  }
  onComplete(trailers: string[] | null) {
    this.finish();
    return this.handler.onComplete?.(trailers);
  }
  onError(error: Error) {
    this.finish();
    return this.handler.onError?.(error);
  }
}
