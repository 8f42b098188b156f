import type { Client, MessageEditOptions } from 'discord.js';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

type Render = () => MessageEditOptions | null;
type Target = { channelId: string; messageId: string };

interface Entry {
  target: Target;
  render: Render;
  lastEditAt: number;
  pending: boolean;
  cancel: (() => void) | null;
  inFlight: Promise<void> | null;
}

/**
 * Keeps public messages (live poll results) up to date without hitting Discord's rate limits:
 * at most one edit per message every `intervalMs`, whatever the rate of requests. Each edit
 * renders the latest state when it is sent, so requests in between are folded into it.
 */
export class MessageRefresher {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 3000,
  ) {}

  /** Ask for the message to show `render()`'s payload soon. */
  request(target: Target, render: Render): void {
    let entry = this.entries.get(target.messageId);
    if (!entry) {
      this.forgetIdle();
      entry = { target, render, lastEditAt: -Infinity, pending: false, cancel: null, inFlight: null };
      this.entries.set(target.messageId, entry);
    }
    entry.render = render;
    if (entry.pending) return;
    entry.pending = true;
    if (!entry.inFlight) this.schedule(entry);
  }

  /** An edit that must happen now (a poll closing): replaces anything queued. */
  async editNow(target: Target, payload: MessageEditOptions): Promise<void> {
    const entry = this.entries.get(target.messageId);
    if (entry) {
      entry.cancel?.();
      entry.pending = false;
      this.entries.delete(target.messageId);
      await entry.inFlight;
    }
    await this.edit(target, payload);
  }

  /** Sends every queued edit now (at shutdown), so the last votes show on the messages. */
  async flush(): Promise<void> {
    this.stopped = true;
    const waiting = [...this.entries.values()];
    for (const entry of waiting) {
      entry.cancel?.();
      entry.cancel = null;
    }
    await Promise.all(
      waiting.map(async (entry) => {
        await entry.inFlight;
        if (entry.pending) await this.run(entry);
        entry.cancel?.(); // run() may have scheduled another; nothing more is sent after a flush
      }),
    );
  }

  // Idle entries remember when their last edit was; once there are many, old ones are dropped.
  private forgetIdle(): void {
    if (this.entries.size < 256) return;
    const now = this.clock.now();
    for (const [id, entry] of this.entries) {
      if (!entry.pending && !entry.inFlight && entry.lastEditAt + this.intervalMs <= now) this.entries.delete(id);
    }
  }

  private schedule(entry: Entry): void {
    if (this.stopped) return;
    const wait = entry.lastEditAt + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      queueMicrotask(() => void this.run(entry));
    } else {
      entry.cancel = this.clock.at(entry.lastEditAt + this.intervalMs, () => void this.run(entry));
    }
  }

  private run(entry: Entry): Promise<void> {
    if (!entry.pending || entry.inFlight) return entry.inFlight ?? Promise.resolve();
    entry.pending = false;
    entry.cancel = null;
    entry.inFlight = (async () => {
      try {
        const payload = entry.render();
        if (payload) await this.edit(entry.target, payload);
      } catch (error) {
        // A live refresh that fails is only a stale view: the next vote or the close repaints it.
        this.logger.warn({ err: error, channel: entry.target.channelId, message: entry.target.messageId }, 'could not update a message');
      }
    })().finally(() => {
      // Counted from when the edit finished, so Discord sees edits at least an interval apart.
      entry.lastEditAt = this.clock.now();
      entry.inFlight = null;
      if (entry.pending) this.schedule(entry);
    });
    return entry.inFlight;
  }

  /** Throws what Discord answered, so a caller that must know (a poll closing) can retry. */
  private async edit(target: Target, payload: MessageEditOptions): Promise<void> {
    const channel = this.client.channels.cache.get(target.channelId);
    if (!channel?.isTextBased() || !('messages' in channel)) throw new Error(`channel ${target.channelId} is not available`);
    await channel.messages.edit(target.messageId, payload);
  }
}
