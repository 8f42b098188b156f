import {
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  TextInputBuilder,
  TextInputStyle,
  type APIEmbed,
  type JSONEncodable,
} from 'discord.js';
import { asSent } from '../bot/components';
import { HEARTH_COLOUR } from '../bot/style';
import { DISCORD_LIMITS, fitEntries, fitFields, oneOrMany, plural, quote, roomLeft, timestamp as ts, truncate } from '../format';
import { KUDOS_MODAL_FIELDS, kudosIds } from './custom-ids';
import type { KudosOutcome } from './giving';
import { KUDOS_LIMITS } from './limits';
import type { Roundup } from './roundup';
import type { KudosSettings } from './settings';
import type { KudosHistory, Leaderboard } from './standings';
import type { KudosValue } from './values';

// "Kudos" is the same word in the singular and the plural.
const count = (n: number) => plural(n, 'kudos', 'kudos');
const PERIOD_TITLES = { week: 'this week', month: 'this month', all: 'all time' } as const;

/** Shout-outs ping the recipient and nobody else (no @everyone, no roles, not the giver). */
export function shoutOutMentions(recipientId: string) {
  return { parse: [] as [], users: [recipientId] };
}

/** The public shout-out: pings the recipient only (the caller sends it with allowedMentions). */
export function renderShoutOut(outcome: KudosOutcome, milestoneRoles: string[]): { content: string; embeds: JSONEncodable<APIEmbed>[] } {
  const { kudos } = outcome;
  const lines = [quote(kudos.message), '', `— from <@${kudos.giverId}>`];
  // Plain data: one is drawn for every kudos, and every text here fits Discord's limits (a value
  // name is at most 32 characters, a message at most 500), so the builder's checks would only cost.
  const embed: APIEmbed = {
    color: HEARTH_COLOUR,
    author: { name: `Kudos for ${kudos.value}` },
    description: lines.join('\n'),
    footer: { text: `${count(outcome.valueCount)} for ${kudos.value} so far · #${kudos.id}` },
  };
  if (milestoneRoles.length) {
    embed.fields = [{ name: 'Milestone', value: `${count(outcome.totalReceived)} received in all: ${milestoneRoles.map((r) => `<@&${r}>`).join(', ')}` }];
  }
  return {
    content: `🎉 <@${kudos.recipientId}>, <@${kudos.giverId}> thanked you for **${kudos.value}**! That is ${count(outcome.valueCount)} for ${kudos.value}.`,
    embeds: [asSent(embed)],
  };
}

/** The giver's private confirmation, with what is left of today's limit and any milestone trouble. */
export function renderGiverConfirmation(outcome: KudosOutcome, url: string, problems: string[]): string {
  const left = outcome.dailyLimit - outcome.givenToday;
  const lines = [
    `Your kudos for <@${outcome.kudos.recipientId}> (**${outcome.kudos.value}**) is up: ${url}`,
    left > 0
      ? `You can give ${`${left} more kudos`} today (the limit of ${outcome.dailyLimit} resets ${ts(outcome.resetsAt)}).`
      : `That was your last kudos for today; the limit of ${outcome.dailyLimit} resets ${ts(outcome.resetsAt)}.`,
  ];
  return [...lines, ...problems.map((p) => `⚠️ ${p}`)].join('\n');
}

export function renderGiveModal(recipient: { id: string; name: string }, values: readonly KudosValue[]): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(kudosIds.give.build({ recipientId: recipient.id }))
    .setTitle(truncate(`Give kudos to ${recipient.name}`, DISCORD_LIMITS.modalTitle))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Value')
        .setDescription('Which of the community\'s values did they show?')
        .setStringSelectMenuComponent(
          new StringSelectMenuBuilder()
            .setCustomId(KUDOS_MODAL_FIELDS.value)
            .setPlaceholder('Pick a value')
            .setRequired(true)
            .addOptions(
              values
                .slice(0, DISCORD_LIMITS.selectOptions)
                .map((v) => new StringSelectMenuOptionBuilder().setLabel(v.name).setValue(v.name).setDescription(truncate(v.description, DISCORD_LIMITS.selectOptionDescription))),
            ),
        ),
      new LabelBuilder()
        .setLabel('Message')
        .setDescription('Why are you thanking them?')
        .setTextInputComponent(
          new TextInputBuilder().setCustomId(KUDOS_MODAL_FIELDS.message).setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(KUDOS_LIMITS.messageLength),
        ),
    );
}

function rankLine(rows: { memberId: string; count: number; rank: number }[]): string {
  if (!rows.length) return 'Nobody yet.';
  const medals = ['🥇', '🥈', '🥉'];
  return rows.map((r) => `${medals[r.rank - 1] ?? `**${r.rank}.**`} <@${r.memberId}> · ${r.count}`).join('\n');
}

function standingLine(label: string, standing: Leaderboard['me']['received']): string {
  if (standing.rank === null) return `${label}: none yet.`;
  return `${label}: ${standing.count}, rank **#${standing.rank}** of ${standing.members}.`;
}

export function renderLeaderboard(board: Leaderboard) {
  const scope = board.value ? ` · ${board.value}` : '';
  const since = board.since === null ? 'since Hearth started counting' : `since ${ts(board.since, 'D')}`;
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle(`Kudos leaderboard: ${PERIOD_TITLES[board.period]}${scope}`)
    .setDescription(`Counting kudos ${since}.`)
    .addFields(
      { name: 'Most thanked', value: rankLine(board.recipients), inline: true },
      { name: 'Most thankful', value: rankLine(board.givers), inline: true },
      { name: 'You', value: [standingLine('Received', board.me.received), standingLine('Given', board.me.given)].join('\n') },
    );
  return { embeds: [embed] };
}

export function renderHistory(history: KudosHistory, isSelf: boolean) {
  const who = isSelf ? 'You' : `<@${history.memberId}>`;
  const verb = history.side === 'received' ? 'received' : 'given';
  const embed = new EmbedBuilder().setColor(HEARTH_COLOUR).setTitle(`Kudos ${verb}`);
  if (history.total === 0) {
    embed.setDescription(`${who} ${isSelf ? 'have' : 'has'} not ${verb} any kudos yet.`);
    return { embeds: [embed] };
  }
  embed.setDescription(`${who} ${isSelf ? 'have' : 'has'} ${verb} ${count(history.total)}.`);
  const recent = history.recent.map((k) => {
    const other = history.side === 'received' ? `from <@${k.giverId}>` : `to <@${k.recipientId}>`;
    // An empty message was removed by the server's retention (see /privacy info).
    return `\`#${k.id}\` **${k.value}** ${other} ${ts(k.createdAt)}\n${k.message ? quote(truncate(k.message, 180)) : '*(message removed: older than the server keeps them)*'}`;
  });
  const byValue = history.byValue.map((v) => `**${v.value}**: ${v.count}`);
  embed.addFields(fitFields([{ name: 'By value', entries: byValue }, { name: 'Most recent', entries: recent }], roomLeft(embed.data)).fields);
  return { embeds: [embed] };
}

export function renderValues(values: readonly KudosValue[], settings: KudosSettings) {
  const limits = `Each member can give ${count(settings.dailyLimit)} a day, and thank the same member once an hour.`;
  const roundup = `Weekly roundup: ${settings.roundupEnabled ? 'on' : 'off'}.`;
  // The milestone line gets whatever room the other two lines leave in the field.
  const room = DISCORD_LIMITS.fieldValue - limits.length - roundup.length - 2 - 'Milestones: .'.length;
  const milestones = settings.milestones.length
    ? `Milestones: ${fitEntries(settings.milestones.map((m) => `${count(m.count)} → <@&${m.roleId}>`), room, { separator: ', ' })}.`
    : 'No milestone roles are set.';
  const rules = [limits, milestones, roundup];
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle('What this community values')
    .setDescription(values.map((v) => `**${v.name}**: ${v.description}`).join('\n'))
    .addFields({ name: 'How kudos work here', value: rules.join('\n') });
  return { embeds: [embed] };
}

export function renderValuesSaved(what: string, values: readonly KudosValue[]): string {
  return `Saved: ${what}. This server's values (${values.length}): ${values.map((v) => `**${v.name}**`).join(', ')}.`;
}

const REMOVAL_EFFECT = 'It no longer counts toward totals or leaderboards (a milestone role already granted stays). If you have questions, ask a leader.';

/** The private notice to the giver or the recipient of a removed kudos, without repeating it. */
export function renderRemovalDm(kudos: { id: number; giverId: string; recipientId: string; createdAt: number }, role: 'giver' | 'recipient', guildName: string) {
  const which = role === 'giver' ? `the kudos you gave <@${kudos.recipientId}>` : `the kudos <@${kudos.giverId}> gave you`;
  return {
    content: `A leader of **${guildName}** has removed ${which} (#${kudos.id}, given ${ts(kudos.createdAt, 'd')}). ${REMOVAL_EFFECT}`,
    allowedMentions: { parse: [] as [] }, // names the other member without pinging them
  };
}

/**
 * Posted where the shout-out was, only for those whose direct messages are closed: mentions and
 * pings only them, without repeating the kudos.
 */
export function renderRemovalNotice(kudos: { id: number; createdAt: number }, memberIds: string[]) {
  return {
    content: `${memberIds.map((id) => `<@${id}>`).join(' ')}: a leader has removed kudos #${kudos.id} (given ${ts(kudos.createdAt, 'd')}). ${REMOVAL_EFFECT}`,
    allowedMentions: { parse: [] as [], users: memberIds },
  };
}

/** For leaders, when Hearth could not grant a milestone role: pings the leader role only, if set. */
export function renderMilestoneTrouble(problems: { roleId: string; count: number; why: string }[], leaderRoleId: string | null) {
  const who = leaderRoleId ? `<@&${leaderRoleId}>` : 'Leaders';
  const lines = problems.map((p) => `• <@&${p.roleId}> (${count(p.count)}): ${p.why}.`);
  return {
    content: fitEntries(
      [
        `${who}: Hearth could not grant a kudos milestone role. Give Hearth's role Manage Roles and drag it above these roles in Server Settings → Roles; members get them with their next kudos.`,
        ...lines,
      ],
      DISCORD_LIMITS.messageContent,
    ),
    allowedMentions: { parse: [] as [], roles: leaderRoleId ? [leaderRoleId] : [] },
  };
}

export function renderRoundup(roundup: Roundup) {
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle('Weekly kudos roundup')
    .setDescription(
      roundup.total === 0
        ? `No kudos were given in the week of ${ts(roundup.from, 'D')}. Who helped you lately? Thank them with \`/kudos give\`.`
        : `${count(roundup.total)} ${oneOrMany(roundup.total, 'was', 'were')} given in the week of ${ts(roundup.from, 'D')}. Thank you all!`,
    );
  if (roundup.top.length) embed.addFields({ name: 'Most thanked', value: roundup.top.map((t, i) => `**${i + 1}.** <@${t.memberId}> · ${t.count}`).join('\n') });
  if (roundup.firstTime.length) embed.addFields({ name: 'First kudos ever', value: memberList(roundup.firstTime) });
  if (roundup.unthanked.length) {
    embed.addFields({
      name: 'Active this month, not thanked in 30 days',
      value: `${memberList(roundup.unthanked)}\nThey have been taking part: maybe someone has a reason to thank them?`,
    });
  }
  return { embeds: [embed] };
}

function memberList(ids: string[], max = 20): string {
  const shown = ids.slice(0, max).map((id) => `<@${id}>`).join(' ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}
