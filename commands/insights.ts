import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachmentBuilder, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type GuildTextBasedChannel } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { missingPermissions } from '../src/bot/permissions';
import { replyPrivately } from '../src/bot/replies';
import { UserError } from '../src/user-error';
import { buildOverview, PERIODS, type Period } from '../src/insights/overview';
import { catchUpRollup } from '../src/insights/rollup';
import { buildTrend, TREND_METRICS, TREND_WEEKS, validTrend } from '../src/insights/trends';
import { renderDigest, renderOverview, renderTrend } from '../src/insights/view';
import { buildDigest, digestOf, lastCompletePeriod } from '../src/insights/digest';
import { audienceView } from '../src/bot/visibility';
import { memberCountOf } from '../src/insights/messages';
import { writeServerExport } from '../src/insights/export';

// Discord's upload limit for a bot without boosts; the interaction says when a server allows more.
const DEFAULT_UPLOAD_LIMIT = 8 * 1024 * 1024;

const PERIOD_NAMES = Object.keys(PERIODS) as Period[];

/** Charts go with the private reply only where Hearth may attach files. */
const canAttach = (channel: unknown) => (channel ? missingPermissions(channel as GuildTextBasedChannel, [PermissionFlagsBits.AttachFiles]).length === 0 : false);

/** /insights: how the community is doing across polls, surveys, check-ins and kudos, and whether it is getting better. Leaders only. */
/** Servers whose export is being made (see `export`). */
const exporting = new Set<string>();

export const insights = {
  kind: 'slash',
  leadersOnly: true,
  data: new SlashCommandBuilder()
    .setName('insights')
    .setDescription('How the community is doing across everything Hearth hears (leaders)')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('overview')
        .setDescription('People, listening, recognition and follow-through, beside the period before')
        .addStringOption((o) =>
          o
            .setName('period')
            .setDescription('How far back (default: 30 days)')
            .addChoices(...PERIOD_NAMES.map((name) => ({ name: `${PERIODS[name]} days`, value: name }))),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('trends')
        .setDescription('One number per week as a chart and a table')
        .addStringOption((o) =>
          o
            .setName('metric')
            .setDescription('What to follow')
            .setRequired(true)
            .addChoices(...Object.keys(TREND_METRICS).map((name) => ({ name, value: name }))),
        )
        .addIntegerOption((o) => o.setName('weeks').setDescription(`How many weeks, ${TREND_WEEKS.min} to ${TREND_WEEKS.max} (default ${TREND_WEEKS.default})`).setMinValue(TREND_WEEKS.min).setMaxValue(TREND_WEEKS.max)),
    )
    .addSubcommand((s) => s.setName('digest').setDescription('The digest for the last complete period, privately, now'))
    .addSubcommand((s) => s.setName('export').setDescription('Everything Hearth holds for this server, as a ZIP of CSV files')),

  subcommands: {
    async overview(interaction, ctx) {
      const period = interaction.options.getString('period') ?? '30d';
      if (!(PERIOD_NAMES as string[]).includes(period)) throw new UserError(`The period must be one of ${PERIOD_NAMES.join(', ')} (days). Pick one from the list.`);
      // Months of history and a chart take a moment; the member count is asked for meanwhile.
      const [, memberCount] = await Promise.all([interaction.deferReply({ flags: MessageFlags.Ephemeral }), memberCountOf(ctx, interaction.guildId), catchUpRollup(ctx.db, interaction.guildId, ctx.clock.now())]);
      const overview = buildOverview(ctx.db, interaction.guildId, period as Period, ctx.clock.now(), memberCount);
      await replyPrivately(interaction, renderOverview(overview, { chart: canAttach(interaction.channel) }));
    },

    async trends(interaction, ctx) {
      const { metric, weeks } = validTrend(interaction.options.getString('metric', true), interaction.options.getInteger('weeks'));
      // Up to two years of history and a chart; the member count is asked for meanwhile.
      const [, memberCount] = await Promise.all([interaction.deferReply({ flags: MessageFlags.Ephemeral }), memberCountOf(ctx, interaction.guildId), catchUpRollup(ctx.db, interaction.guildId, ctx.clock.now())]);
      const trend = buildTrend(ctx.db, interaction.guildId, metric, weeks, ctx.clock.now(), memberCount);
      await replyPrivately(interaction, renderTrend(trend, { chart: canAttach(interaction.channel) }));
    },

    async digest(interaction, ctx) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await catchUpRollup(ctx.db, interaction.guildId, ctx.clock.now());
      const now = ctx.clock.now();
      // As its readers will see it: only what everyone in the digest's channel (or this one) can view.
      const target = interaction.guild.channels.cache.get(digestOf(ctx.db, interaction.guildId)?.channelId ?? interaction.channelId);
      if (!target) throw new UserError("The digest's channel is gone. Pick another with `/settings digest channel:`, then preview it again.");
      const report = buildDigest(ctx.db, interaction.guildId, lastCompletePeriod(ctx.db, interaction.guildId, now), now, await memberCountOf(ctx, interaction.guildId), audienceView(target));
      const { embeds, files } = renderDigest(report, { chart: canAttach(interaction.channel) });
      await replyPrivately(interaction, { embeds, files });
    },

    async export(interaction, ctx) {
      // One at a time per server: each reads every row and writes a file as large as the server's history.
      if (exporting.has(interaction.guildId)) throw new UserError('An export of this server is being made right now. Wait for it to arrive, then ask again if you need a newer one.');
      exporting.add(interaction.guildId);
      let dir: string | null = null;
      try {
        dir = mkdtempSync(join(tmpdir(), 'hearth-export-'));
        await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // reading every row and uploading take a while
        const name = `hearth-${interaction.guildId}-${new Date(ctx.clock.now()).toISOString().slice(0, 10)}.zip`;
        const path = join(dir, name);
        const counts = await writeServerExport(ctx.db, interaction.guildId, path, ctx.clock.now());
        const { size } = statSync(path);
        const limit = interaction.attachmentSizeLimit ?? DEFAULT_UPLOAD_LIMIT;
        if (size > limit) {
          throw new UserError(`The export is ${(size / 1_048_576).toFixed(1)} MB, more than the ${(limit / 1_048_576).toFixed(0)} MB Discord lets Hearth upload here. The host can take a copy of the database with \`npm run backup\` instead.`);
        }
        const summary = counts.map((c) => `${c.file} ${c.rows}`).join(', ');
        await replyPrivately(interaction, { content: `Here is everything Hearth holds for this server (rows: ${summary}). README.txt explains every column.`, files: [new AttachmentBuilder(path, { name })] });
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
        exporting.delete(interaction.guildId);
      }
    },
  },
} satisfies SlashCommand;
