import { EmbedBuilder, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { replyPrivately } from '../src/bot/replies';
import { HEARTH_COLOUR } from '../src/bot/style';

// One field per part of Hearth: each stays well inside Discord's 1,024 characters a field.
const SECTIONS: { name: string; everyone: string[]; leaders: string[] }[] = [
  {
    name: '📊 Polls',
    everyone: [
      'Vote with the buttons on a poll; **My vote** shows your choice, **Retract** withdraws it; **Remind me** (timed polls) sends you a direct message an hour before it closes',
      '`/poll results`, `/poll list`; `/poll close` for a poll you created',
    ],
    leaders: [
      '`/poll create` (everyone, if `/settings polls-by-members` is on): up to 20 choices, anonymous, hidden until close, timed or limited to a role',
      '`/poll export`: CSV; `/poll follow-up`: tell everyone what happens next',
    ],
  },
  {
    name: '🙌 Kudos',
    everyone: [
      '`/kudos give`, or right-click a member → Apps → **Give kudos**: thank them for a community value',
      '`/kudos leaderboard`, `received`, `given`, `values`',
    ],
    leaders: ['`/settings kudos-…`: values, daily limit, milestone roles, weekly roundup', '`/kudos remove`: take down an abusive kudos'],
  },
  {
    name: '🗓️ Check-ins',
    everyone: ['Answer with a mood button and **Add a note**', '`/checkin streak`: your streaks', '**Subscribe** or `/checkin subscribe` to get a check-in by direct message, at its time in your zone'],
    leaders: ['`/checkin schedule`: a prompt on a schedule (e.g. `weekdays 17:30`), in a channel or by direct message (`delivery`)', '`/checkin list`, `pause`, `resume`, `delete`, `run`, `skip`, `report`'],
  },
  {
    name: '📝 Surveys',
    everyone: ['Press **Take survey** to answer privately; your answers are saved as you go; **Remind me later** sends a direct message a day later'],
    leaders: ['`/survey`: build one (or start from a template), preview, publish, then read the results, export them and post a follow-up'],
  },
  {
    name: '📈 Insights',
    everyone: [],
    leaders: ['`/insights overview`: how the community is doing across everything, beside the period before', '`/insights trends`: one number per week, as a chart'],
  },
  {
    name: '🔒 Privacy',
    everyone: ['`/privacy info`: what Hearth keeps about you, who sees it, for how long', '`/privacy export`: all of it as a file; `/privacy delete`: delete it'],
    leaders: ['`/privacy forget`: delete a member\'s data when they ask', '`/settings retention`: remove old answers\' text and links after some months'],
  },
  {
    name: '🙋 Your preferences',
    everyone: ['`/preferences timezone`: your own time zone', '`/preferences direct-messages on|off`: every Hearth direct message from this server, at once', '`/preferences show`'],
    leaders: [],
  },
  {
    name: '⚙️ Settings',
    everyone: [],
    leaders: [
      '`/settings show`, `leader-role`, `timezone` (for schedules and daily limits)',
      '`/settings recognition-channel` (kudos shout-outs), `polls-by-members`',
      '`/settings delete-all-data`: the server owner deletes everything Hearth holds here',
    ],
  },
];

/** /help: what Hearth does and who can do what, for anyone. */
export const help = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('help')
    .setDescription('What Hearth does and how to use it')
    .setContexts(InteractionContextType.Guild),

  async execute(interaction) {
    const embed = new EmbedBuilder()
      .setColor(HEARTH_COLOUR)
      .setTitle('Hearth helps this community listen, recognise and show up')
      .setDescription(
        'Hearth runs polls, surveys and regular check-ins, lets members thank each other with kudos, ' +
          'and keeps every answer so leaders can see how the community is doing over weeks and months.',
      )
      .addFields(
        SECTIONS.map((section) => ({
          name: section.name,
          value: [
            ...section.everyone.map((line) => `• ${line}`),
            ...section.leaders.map((line) => `• *Leaders:* ${line}`),
          ].join('\n'),
        })),
      )
      .addFields({
        name: 'Who is a leader?',
        value: 'Members with the Manage Server permission, and members with the leader role if one is set (`/settings leader-role`).',
      })
      .setFooter({ text: 'Hearth is self-hosted: your server\'s answers stay in its own database.' });
    await replyPrivately(interaction, { embeds: [embed] });
  },
} satisfies SlashCommand;
