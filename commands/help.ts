import { EmbedBuilder, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { replyPrivately } from '../src/bot/replies';
import { HEARTH_COLOUR } from '../src/bot/style';

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
        {
          name: 'Everyone can',
          value: [
            '`/help`: this overview',
            'Vote on polls with their buttons; **My vote** shows your choice, **Retract** withdraws it',
            '`/poll results`, `/poll list`: see polls and their results (hidden results stay hidden until close)',
            '`/poll close`: close a poll you created',
            '`/kudos give` or right-click a member → **Give kudos**: thank them for a community value',
            '`/kudos leaderboard`, `received`, `given`, `values`: who is thanked, and for what',
            'Answer check-ins with a mood button and **Add a note**; `/checkin streak`: your check-in streaks',
            'Press **Take survey** on a survey to answer it privately; your answers are saved as you go',
          ].join('\n'),
        },
        {
          name: 'Leaders can',
          value: [
            '`/poll create`: a poll with up to 20 choices, optionally anonymous, hidden until close, timed or limited to a role',
            '`/poll export`: download a poll as CSV',
            '`/checkin schedule`: post a prompt on a schedule (e.g. `weekdays 17:30`), answered with a mood and a note',
            '`/checkin list`, `pause`, `resume`, `delete`, `run`, `skip`, `report`: manage check-ins and read how people are doing',
            '`/settings show`: see how Hearth is set up here',
            '`/settings leader-role`: choose the role whose members count as leaders',
            '`/settings timezone`: the time zone for schedules and daily limits',
            '`/settings recognition-channel`: where kudos shout-outs are posted',
            '`/settings polls-by-members`: let every member create polls',
            '`/settings kudos-…`: kudos values, daily limit, milestone roles, weekly roundup',
            '`/kudos remove`: take down an abusive kudos',
            '`/survey`: build a survey (or use a template), preview, publish it, then read results or export them',
          ].join('\n'),
        },
        {
          name: 'Who is a leader?',
          value: 'Members with the Manage Server permission, and members with the leader role if one is set.',
        },
      )
      .setFooter({ text: 'Hearth is self-hosted: your server\'s answers stay in its own database.' });
    await replyPrivately(interaction, { embeds: [embed] });
  },
} satisfies SlashCommand;
