// Privacy's public interface: the only module of src/privacy that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
import type { Db } from '../db/open';
import { retentionInWords, retentionOf } from './retention';

/** The server's retention in plain words, for `/settings show`. */
export function retentionSummary(db: Db, guildId: string, now: number): string {
  return retentionInWords(retentionOf(db, guildId), now);
}
