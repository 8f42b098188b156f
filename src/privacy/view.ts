import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { DISCORD_LIMITS, fitEntries, messageLink, plural, timestamp, truncate } from '../format';
import type { DeliveryOutcome } from '../outbox/delivery';
import { DELETE_ALL_FIELD, privacyIds } from './custom-ids';
import type { ErasureOutcome, ErasurePreview } from './erasure';
import { ANONYMOUS_NOT_EXPORTED } from './export';
import { retentionInWords } from './retention';
import type { Retention } from './store';

const bullets = (lines: readonly string[]) => lines.map((line) => `• ${line}`).join('\n');

/** `/privacy info`: what is kept, who sees it, for how long, and what a member can do about it. */
export function renderInfo(retention: Retention | null, now: number) {
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle('Your data in this server')
    .setDescription('Hearth is self-hosted: what it keeps stays in one database on its host\'s machine, and nothing is shared between servers.')
    .addFields(
      {
        name: 'What Hearth keeps about you',
        value: bullets([
          'Your votes in polls and your survey responses. In anonymous ones, only a keyed hash of your id, whose key is deleted at close: from then on nobody can link them to you.',
          'Your check-in moods and notes, with your id (anonymous check-ins too: to keep one answer per run and count your streaks).',
          'Kudos you give and receive, with their messages.',
          'Polls, surveys and check-ins you set up as a leader.',
          'No settings of your own: settings belong to the server.',
        ]),
      },
      {
        name: 'Who sees what',
        value: bullets([
          '**Everyone**: a poll\'s counts, kudos shout-outs, leaderboards and totals, and streaks in named check-ins.',
          '**Leaders**: who chose what in named polls, named survey responses, and named check-in answers and notes.',
          '**Nobody, leaders included**: who answered what in anonymous polls, surveys and check-ins; only totals show, and only from 3 answers.',
        ]),
      },
      { name: 'How long it is kept', value: retentionInWords(retention, now) },
      {
        name: 'What you can do',
        value: bullets([
          '`/privacy export`: everything Hearth keeps about you here, as a file.',
          '`/privacy delete`: delete it (with a confirmation; once a day).',
          '*Leaders:* `/privacy forget` does the same for a member who asks them; `/settings retention` sets how long answers are kept.',
        ]),
      },
      {
        name: 'If Hearth leaves this server',
        value: 'When Hearth is removed, its data for the server is kept 30 days in case it is invited back, then deleted. The owner can delete everything at once with `/settings delete-all-data`.',
      },
    );
  return { embeds: [embed] };
}

/** The confirmation: what would go, what stays, and the two buttons (working for 5 minutes). */
export function renderErasureRequest(preview: ErasurePreview, requestId: number, memberId: string, self: boolean, expiresAt: number) {
  const whose = self ? 'your' : `<@${memberId}>'s`;
  const removed = [
    `${plural(preview.votes, 'vote')} in polls (open polls' counts go down; closed polls keep their totals as history)`,
    `${plural(preview.responses, 'survey response')}`,
    `${plural(preview.answers, 'check-in answer')} (${plural(preview.notes, 'note')}) in check-ins that name who answered, and with them ${self ? 'your' : 'their'} streaks`,
    `${plural(preview.kudosGiven, 'kudos', 'kudos')} given and ${preview.kudosReceived} received (their shout-outs are deleted; leaderboards change)`,
    `any notes ${self ? 'you' : 'they'} wrote in anonymous check-ins (the moods stay in the totals, with nothing linking them to ${self ? 'you' : 'them'}; votes and responses in anonymous polls and surveys stay counted the same way)`,
  ];
  const { polls, surveys, checkins, skippedDates, kudosTakenDown } = preview.created;
  const made = [
    polls && plural(polls, 'poll'),
    surveys && plural(surveys, 'survey'),
    checkins && plural(checkins, 'check-in'),
    skippedDates && plural(skippedDates, 'skipped check-in date'),
    kudosTakenDown && `${plural(kudosTakenDown, 'kudos', 'kudos')} taken down`,
  ].filter(Boolean);
  const embed = new EmbedBuilder()
    .setColor(0xed4245)
    .setTitle(self ? 'Delete your data in this server?' : 'Delete this member\'s data in this server?')
    .setDescription(
      [
        `This deletes ${whose} data in this server for good:`,
        bullets(removed),
        made.length ? `\nKept for the server, no longer linked to ${self ? 'you' : 'them'}: ${made.join(', ')} ${self ? 'you' : 'they'} set up as a leader, with everyone's answers.` : '',
        `\nThis cannot be undone. The buttons work until ${timestamp(expiresAt, 't')} (5 minutes).`,
      ].join('\n'),
    );
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(privacyIds.confirm.build({ requestId })).setLabel(self ? 'Delete my data' : 'Delete their data').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(privacyIds.cancel.build({ requestId })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
  return { embeds: [embed], components: [buttons] };
}

export function renderCancelled() {
  return { content: 'Cancelled: nothing was deleted.', embeds: [], components: [] };
}

/** How one shout-out's deletion went, when tried at once. */
export interface MessageDeletion {
  guildId: string;
  channelId: string;
  messageId: string;
  outcome: DeliveryOutcome['outcome'];
  reason: string | null;
}

/** After the deletion: what went, what stays, and any shout-out Hearth could not delete. */
export function renderErasureDone(outcome: ErasureOutcome, self: boolean, tried: MessageDeletion[], later: number) {
  const { polls, surveys, checkins, kudos } = outcome.removed;
  const n = (record: Record<string, number>, ...kinds: string[]) => kinds.reduce((sum, kind) => sum + (record[kind] ?? 0), 0);
  const lines = [
    `**Deleted.** ${self ? 'Your' : 'Their'} data in this server is gone:`,
    bullets([
      `${plural(n(polls, 'votes'), 'vote')}`,
      `${plural(n(surveys, 'responses'), 'survey response')} (${plural(n(surveys, 'answers'), 'answer')})`,
      `${plural(n(checkins, 'answers'), 'check-in answer')} (${plural(n(checkins, 'notes'), 'note')})`,
      `${plural(n(kudos, 'given'), 'kudos', 'kudos')} given and ${n(kudos, 'received')} received`,
    ]),
  ];
  const deleted = tried.filter((t) => t.outcome === 'delivered').length;
  const failed = tried.filter((t) => t.outcome === 'dropped');
  const pending = later + tried.filter((t) => t.outcome === 'will retry' || t.outcome === 'queued').length;
  if (tried.length || later) {
    const parts = [deleted ? `${plural(deleted, 'shout-out')} deleted from Discord` : '', pending ? `${plural(pending, 'shout-out')} still being deleted (Hearth keeps trying)` : ''].filter(Boolean);
    if (parts.length) lines.push(`\n${parts.join('; ')}.`);
  }
  if (failed.length) {
    lines.push(
      `\n⚠️ Hearth could not delete ${plural(failed.length, 'shout-out')} (the data behind ${failed.length === 1 ? 'it is' : 'them are'} gone, but the message${failed.length === 1 ? ' is' : 's are'} still there):`,
      fitEntries(failed.map((f) => `${messageLink(f.guildId, f.channelId, f.messageId)}${f.reason ? `: ${f.reason}` : ''}`), 1500),
      'Delete them yourself if you can, or ask a leader.',
    );
  }
  lines.push('\nStill kept, because no one can link them to you: your answers in anonymous polls, surveys and check-ins (they stay in the totals, filed under nobody, since totals going down would show what you answered), and closed polls\' totals, which stay as history.');
  return { content: truncate(lines.join('\n'), DISCORD_LIMITS.messageContent), embeds: [], components: [] };
}

export function renderExportReply(items: number): string {
  return `Here is everything Hearth keeps about you in this server (${plural(items, 'entry', 'entries')}), as JSON. ${ANONYMOUS_NOT_EXPORTED}`;
}

/** `/settings delete-all-data`: the owner types the server's name to confirm. */
export function renderDeleteAllForm(serverName: string): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(privacyIds.deleteAll.build({}))
    .setTitle('Delete all of Hearth\'s data here?')
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Server name')
        .setDescription(truncate(`Type "${serverName}" to delete everything Hearth holds for it, for good.`, DISCORD_LIMITS.modalLabelDescription))
        .setTextInputComponent(new TextInputBuilder().setCustomId(DELETE_ALL_FIELD).setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(100)),
    );
}
