// How Hearth's requests reach Discord's API, and why acknowledgements have connections of their own.
import { Agent, Dispatcher } from 'undici';

/**
 * Acknowledgements (an interaction's callback) in flight at once on connections of their own, which
 * the next ones reuse. Without them, discord.js opens a connection for every request in flight: the
 * acknowledgements of a rush leave together (a turn's clicks are written in one transaction), so
 * nearly every click of a rush opened a connection (with Discord, a TLS handshake) used once. A
 * connection carries about one acknowledgement per turn of the bot's event loop, and a rush's turn
 * can answer hundreds of clicks: 64 made a rush of 2,000 wait on the lane.
 */
export const ACK_CONNECTIONS = 256;

/**
 * The longest an acknowledgement waits for the lane; then it goes out with the other requests, as
 * it would without the lane, so a stalled lane never holds a click back longer than
 * this. Long enough for a rush of 2,000 to drain through the lane at a 300 ms round trip (at 250 ms
 * most of it overflowed onto new connections), well within Discord's 3 s.
 */
export const ACK_WAIT_MS = 1_000;

// POST /interactions/{id}/{token}/callback, whatever the API's prefix and query.
const ACK_PATH = /\/interactions\/(\d+)\/[^/]+\/callback(?:\?|$)/;

type Options = Dispatcher.DispatchOptions;
type Handler = Dispatcher.DispatchHandlers;

/**
 * What the connections tell the metrics. Fed here rather than by discord.js's response event: with a
 * listener on that, @discordjs/rest copies every response for it (about 15 µs a request in a rush).
 */
export interface ConnectionEvents {
  /** An acknowledgement waited ACK_WAIT_MS for the lane and went out with the other requests. */
  overflowed(): void;
  /**
   * Discord answered a request (each attempt): its status, for a 429 the scope Discord named, and
   * the interaction it acknowledges when it is one's callback.
   */
  answered(status: number, rateLimitScope: string | null, acknowledges: string | null): void;
}

const UNOBSERVED: ConnectionEvents = { overflowed: () => {}, answered: () => {} };

interface Waiting {
  options: Options;
  handler: Handler;
  acknowledges: string;
  since: number;
}

/**
 * The dispatcher of one client's REST requests (each bot its own, destroyed when it stops). Everything but
 * acknowledgements goes out as discord.js would send it, so a slow edit, fetch or upload never
 * stands in front of a click. At most ACK_CONNECTIONS acknowledgements are in flight on their own
 * connections, which the next ones reuse; the rest wait their turn, in order.
 */
export class DiscordConnections extends Dispatcher {
  private readonly others = new Agent();
  // Capped too, so the next acknowledgement waits in undici's queue for the connection just freed
  // (undici frees it a moment after the response ends) instead of opening another.
  private readonly acks = new Agent({ connections: ACK_CONNECTIONS });
  private inFlight = 0;
  private readonly waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly events: ConnectionEvents = UNOBSERVED) {
    super();
  }

  override dispatch(options: Options, handler: Handler): boolean {
    const acknowledges = ACK_PATH.exec(options.path)?.[1] ?? null;
    // After a stop, straight to undici, which refuses it at once.
    if (this.closed || acknowledges === null) return this.others.dispatch(options, new Forwarded(acknowledges, handler, this.events));
    if (this.inFlight < ACK_CONNECTIONS && this.waiting.length === 0) this.send({ options, handler, acknowledges });
    else {
      this.waiting.push({ options, handler, acknowledges, since: performance.now() });
      this.timer ??= setTimeout(() => this.overflow(), ACK_WAIT_MS);
    }
    return true;
  }

  private send({ options, handler, acknowledges }: Omit<Waiting, 'since'>): void {
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) this.send(next);
    };
    this.acks.dispatch(options, new Forwarded(acknowledges, handler, this.events, finish));
  }

  /** Acknowledgements that waited ACK_WAIT_MS go out with the other requests. */
  private overflow(): void {
    this.timer = undefined;
    const queuedBefore = performance.now() - ACK_WAIT_MS;
    while (this.waiting.length > 0 && this.waiting[0]!.since <= queuedBefore) {
      const { options, handler, acknowledges } = this.waiting.shift()!;
      this.events.overflowed();
      this.others.dispatch(options, new Forwarded(acknowledges, handler, this.events));
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
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const { options, handler, acknowledges } of this.waiting.splice(0)) this.others.dispatch(options, new Forwarded(acknowledges, handler, this.events));
  }
}

/** undici's two ways of saying a dispatcher is closed: a promise, or a callback. */
function settle(done: Promise<unknown>, callback?: () => void): Promise<void> | void {
  const over = done.then(() => undefined);
  if (!callback) return over;
  over.then(callback, callback);
}

/**
 * Passes a request's events on to its own handler, tells `events` of its answer, and says once when
 * the request is over, however it ended. The body of a 5xx or a 429 is dropped as it arrives:
 * discord.js never reads it (it retries or throws on the status alone), and a body nobody reads
 * keeps its connection busy (undici stops reading it past 64 KiB) until Discord closes it.
 */
class Forwarded implements Handler {
  private dropBody = false;

  constructor(
    private readonly acknowledges: string | null,
    private readonly handler: Handler,
    private readonly events: ConnectionEvents,
    private readonly finish: () => void = () => {},
  ) {}

  onConnect(...args: Parameters<NonNullable<Handler['onConnect']>>) {
    return this.handler.onConnect?.(...args);
  }
  onResponseStarted() {
    return this.handler.onResponseStarted?.();
  }
  onHeaders(...args: Parameters<NonNullable<Handler['onHeaders']>>) {
    const [status, headers] = args;
    this.events.answered(status, status === 429 ? headerValue(headers, 'x-ratelimit-scope') : null, this.acknowledges);
    this.dropBody = status === 429 || status >= 500;
    const goOn = this.handler.onHeaders?.(...args) ?? true;
    // discord.js reads none of it: its body ends empty now, and however the rest ends, nothing
    // reaches a body stream nobody listens to (an error there would be an uncaught exception).
    if (this.dropBody) this.handler.onComplete?.([]);
    return goOn;
  }
  onData(chunk: Buffer) {
    if (this.dropBody) return true;
    return this.handler.onData?.(chunk) ?? true;
  }
  onBodySent(...args: Parameters<NonNullable<Handler['onBodySent']>>) {
    return this.handler.onBodySent?.(...args);
  }
  // Not in undici's declared handler type, but called when a handler has it.
  onRequestSent() {
    return (this.handler as { onRequestSent?: () => void }).onRequestSent?.();
  }
  onUpgrade(...args: Parameters<NonNullable<Handler['onUpgrade']>>) {
    return this.handler.onUpgrade?.(...args);
  }
  onComplete(trailers: string[] | null) {
    try {
      if (this.dropBody) return;
      return this.handler.onComplete?.(trailers);
    } finally {
      this.finish();
    }
  }
  onError(error: Error) {
    try {
      if (this.dropBody) return;
      return this.handler.onError?.(error);
    } finally {
      this.finish();
    }
  }
}

/** A header of a response as undici hands it over: names and values taking turns. */
function headerValue(headers: Buffer[] | string[] | null, name: string): string | null {
  if (!headers) return null;
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toString().toLowerCase() === name) return headers[i + 1]!.toString();
  return null;
}
