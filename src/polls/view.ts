import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { buttonRows } from '../bot/components';
import { CLOSED_COLOUR, HEARTH_COLOUR } from '../bot/style';
import { renderBarChart } from '../charts/bar-chart';
import { DISCORD_LIMITS, fitEntries, fitFields, oneOrMany, percent, plural, progressBar, roomLeft, timestamp as ts, truncate } from '../format';
import { pollIds, pollReminderIds } from './custom-ids';
import { ANONYMOUS_MIN_VOTERS, countsVisible, isOpen, type Poll, type PollResults, type VoteOutcome } from './service';

const bar = (count: number, of: number) => progressBar(count, of, 12);

export function pollRules(poll: Poll, now: number): string[] {
  const rules: string[] = [];
  rules.push(!poll.multi ? 'Pick one choice.' : poll.maxChoices ? `Pick up to ${poll.maxChoices} choices.` : 'Pick as many choices as you like.');
  if (poll.anonymous) {
    rules.push(
      `🔒 **Anonymous**: no one, leaders included, can see who voted for what. Counts show once ${ANONYMOUS_MIN_VOTERS} members have voted` +
        (poll.hideResults ? '.' : ' and then update live, so in a quiet poll someone watching may guess a single vote.'),
    );
  }
  if (poll.hideResults) rules.push('🙈 **Results are hidden** until the poll closes.');
  if (poll.roleId) rules.push(`🎟️ Only members with <@&${poll.roleId}> can vote.`);
  if (isOpen(poll, now) && poll.closesAt) rules.push(`⏰ Closes ${ts(poll.closesAt)} (${ts(poll.closesAt, 'f')}).`);
  if (!isOpen(poll, now)) rules.push(`Closed ${ts(poll.closedAt ?? poll.closesAt ?? now)}.`);
  return rules;
}

function choiceLines(summary: PollResults, showCounts: boolean): string {
  return summary.choices
    .map((c) => {
      if (!showCounts) return `**${c.position + 1}.** ${c.label}`;
      const win = summary.poll.status === 'closed' && summary.winners.includes(c.position) ? ' 🏆' : '';
      return `**${c.position + 1}. ${c.label}**${win}\n${bar(c.count, summary.voters)} ${percent(c.count, summary.voters)}% · ${plural(c.count, 'vote')}`;
    })
    .join('\n');
}

function outcomeLine(summary: PollResults): string {
  const { winners, choices, voters } = summary;
  if (winners.length === 0) return 'No one voted.';
  if (tooFewToCount(summary)) {
    return `Fewer than ${ANONYMOUS_MIN_VOTERS} members voted, so the results of this anonymous poll stay hidden.`;
  }
  const names = winners.map((w) => `**${choices[w]!.label}**`);
  const count = choices[winners[0]!]!.count;
  if (winners.length === 1) return `🏆 Winner: ${names[0]} with ${plural(count, 'vote')} (${percent(count, voters)}% of voters).`;
  return `🤝 Tie between ${names.slice(0, -1).join(', ')} and ${names.at(-1)}, with ${plural(count, 'vote')} each.`;
}

/** The headline a follow-up quotes: the winner (or tie) and how many voted. */
export function followUpHeadline(summary: PollResults): string {
  return tooFewToCount(summary) || summary.winners.length === 0 ? outcomeLine(summary) : `${outcomeLine(summary)}\n${turnoutLine(summary, null)}`;
}

/** A closed anonymous poll with too few voters for any count: even "1 member voted" would point at someone. */
const tooFewToCount = (summary: PollResults) => summary.poll.anonymous && summary.voters < ANONYMOUS_MIN_VOTERS;

function turnoutLine(summary: PollResults, memberCount: number | null): string {
  if (tooFewToCount(summary)) return `Fewer than ${ANONYMOUS_MIN_VOTERS} members voted.`;
  const voted = `${plural(summary.voters, 'member')} voted`;
  const cast = summary.poll.multi ? ` (${plural(summary.votes, 'vote')} cast)` : '';
  const turnout = memberCount && !summary.poll.roleId && memberCount >= summary.voters ? `, ${percent(summary.voters, memberCount)}% of the server's ${memberCount} members` : '';
  return `${voted}${cast}${turnout}.`;
}

// Up to 20 choices take four rows; the fifth holds "My vote" and "Retract".
function voteButtons(poll: Poll, labels: string[], open: boolean) {
  const choices = labels.map((label, position) =>
    new ButtonBuilder()
      .setCustomId(pollIds.vote.build({ pollId: poll.id, choice: position }))
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(!open),
  );
  const rows = buttonRows(choices, DISCORD_LIMITS.actionRows - 1);
  if (open) {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(pollIds.mine.build({ pollId: poll.id })).setLabel('My vote').setStyle(ButtonStyle.Primary),
        new ButtonBuilder().setCustomId(pollIds.retract.build({ pollId: poll.id })).setLabel('Retract').setStyle(ButtonStyle.Danger),
        ...(poll.closesAt !== null ? [new ButtonBuilder().setCustomId(pollReminderIds.remind.build({ pollId: poll.id })).setLabel('Remind me').setStyle(ButtonStyle.Secondary)] : []),
      ),
    );
  }
  return rows;
}

/** The public poll message, live while open and final once closed (with a chart when `chart`). */
export function renderPollMessage(
  summary: PollResults,
  now: number,
  options: { memberCount?: number | null; chart?: boolean; followUpUrl?: string | null } = {},
): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[]; files: AttachmentBuilder[] } {
  const { poll } = summary;
  const open = isOpen(poll, now) && poll.status === 'open';
  const showCounts = countsVisible(summary, now);
  const description = [`### ${poll.question}`, choiceLines(summary, showCounts)];
  if (!open) description.push('', outcomeLine(summary));
  if (!open && options.followUpUrl) description.push('', `📣 **You said, we did:** [read the leaders' follow-up](${options.followUpUrl})`);
  const embed = new EmbedBuilder()
    .setColor(open ? HEARTH_COLOUR : CLOSED_COLOUR)
    .setAuthor({ name: open ? `Poll #${poll.id}` : `Poll #${poll.id} · closed` })
    .setDescription(description.join('\n'))
    .addFields({ name: 'How it works', value: pollRules(poll, now).join('\n') })
    .setFooter({
      text: open
        ? `${plural(summary.voters, 'member')} voted so far · click a choice to vote${poll.multi ? ' (again to unpick)' : ' (another to change)'}`
        : turnoutLine(summary, options.memberCount ?? null),
    });

  const files: AttachmentBuilder[] = [];
  if (!open && options.chart && summary.voters > 0 && showCounts) {
    const name = `poll-${poll.id}-results.png`;
    files.push(
      new AttachmentBuilder(
        renderBarChart({ title: poll.question, labels: summary.choices.map((c) => c.label), values: summary.choices.map((c) => c.count), highlight: summary.winners }),
        { name },
      ),
    );
    embed.setImage(`attachment://${name}`);
  }
  return { embeds: [embed], components: voteButtons(poll, summary.choices.map((c) => c.label), open), files };
}

export function renderVoteReceipt(outcome: VoteOutcome): string {
  const { poll, choices, mine, change } = outcome;
  const names = mine.map((c) => `**${choices[c]}**`).join(', ');
  let line: string;
  if (!poll.multi) {
    line = change === 'moved' ? `You changed your vote to ${names}.` : change === 'unchanged' ? `You already voted for ${names}; it still counts.` : `You voted for ${names}.`;
  } else if (mine.length === 0) {
    line = 'You unpicked your last choice, so you have no vote in this poll now.';
  } else {
    const limit = poll.maxChoices ? ` (${mine.length} of at most ${poll.maxChoices})` : '';
    line = `${change === 'removed' ? 'Unpicked. ' : ''}Your choices: ${names}${limit}.`;
  }
  return `${line}${anonymityNote(poll)}`;
}

function anonymityNote(poll: Poll): string {
  return poll.anonymous ? '\n🔒 This poll is anonymous: no one can see your vote, and once it closes not even Hearth can tell which vote was yours.' : '';
}

export function renderMyVote(poll: Poll, choices: string[], mine: number[]): string {
  if (mine.length === 0) return `You have not voted in this poll.${anonymityNote(poll)}`;
  return `Your ${oneOrMany(mine.length, 'vote', 'choices')}: ${mine.map((c) => `**${choices[c]}**`).join(', ')}.${anonymityNote(poll)}`;
}

export function renderRetracted(removed: number): string {
  return removed > 0 ? 'Your vote is withdrawn. You can vote again while the poll is open.' : 'You had not voted in this poll, so there was nothing to withdraw.';
}

/** `/poll results`: counts for everyone; for non-anonymous polls, who chose what (the first 40 per choice). */
export function renderResults(
  summary: PollResults,
  votes: { memberId: string; choice: number }[],
  now: number,
  messageUrl: string | null,
): { embeds: EmbedBuilder[] } {
  const { poll } = summary;
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Poll #${poll.id} · ${isOpen(poll, now) ? 'open' : 'closed'}` })
    .setDescription(
      [`### ${poll.question}`, choiceLines(summary, true), '', isOpen(poll, now) ? '' : outcomeLine(summary), turnoutLine(summary, null)]
        .filter(Boolean)
        .join('\n'),
    );
  if (messageUrl) embed.setURL(messageUrl).setTitle('Open the poll');
  if (!poll.anonymous && votes.length > 0) {
    // A field per choice naming its voters, as many as Discord's limits leave room for.
    const voters = summary.choices
      .filter((c) => c.count > 0)
      .map((choice) => ({
        name: choice.label,
        entries: votes.filter((v) => v.choice === choice.position).map((v) => `<@${v.memberId}>`),
        options: { separator: ' ', total: choice.count, more: (more: number, shown: number) => (shown ? `and ${more} more` : plural(choice.count, 'member')) },
      }));
    embed.addFields(fitFields(voters, roomLeft(embed.data)).fields);
  } else if (poll.anonymous) {
    embed.addFields({ name: 'Anonymous', value: 'No one, leaders included, can see who voted for what.' });
  }
  return { embeds: [embed] };
}

export function renderPollList(
  list: { polls: (Poll & { voters: number; url: string | null })[]; total: number },
  status: string,
  now: number,
): { embeds: EmbedBuilder[] } | string {
  if (list.total === 0) return status === 'all' ? 'This server has no polls yet. Create one with `/poll create`.' : `There are no ${status} polls in this server.`;
  const lines = list.polls.map((p) => {
    const state = isOpen(p, now) ? (p.closesAt ? `open, closes ${ts(p.closesAt)}` : 'open') : `closed ${ts(p.closedAt ?? p.closesAt ?? now)}`;
    const question = truncate(p.question, 80);
    const voters = p.anonymous && !isOpen(p, now) && p.voters < ANONYMOUS_MIN_VOTERS ? `fewer than ${ANONYMOUS_MIN_VOTERS} voters` : plural(p.voters, 'voter');
    return `\`#${p.id}\` ${p.url ? `[${question}](${p.url})` : question}\n${state} · ${voters}`;
  });
  const description = fitEntries(lines, DISCORD_LIMITS.embedDescription, { total: list.total, more: (more) => `…and ${more} more: narrow the list with \`status\`.` });
  return {
    embeds: [new EmbedBuilder().setColor(HEARTH_COLOUR).setTitle(`Polls (${status}): ${list.total}`).setDescription(description)],
  };
}
