// The baseline for the burst benchmarks: a discord.js bot that only acknowledges each click, menu
// pick and command, with Hearth's cache settings and discord.js's own connections to Discord (one
// per request in flight). With BASELINE_ACK_LANE=1 it also has Hearth's connections
// (src/bot/discord-connections.ts), so the difference left is Hearth's work on each click.
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { membersNotKept } from '../src/bot/client-cache';
import { DiscordConnections } from '../src/bot/discord-connections';

const agent = process.env.BASELINE_ACK_LANE === '1' ? new DiscordConnections() : null;
const client = new Client({ intents: [GatewayIntentBits.Guilds], makeCache: membersNotKept, rest: { api: process.env.DISCORD_API_URL!, agent } });
client.on(Events.InteractionCreate, (interaction) => {
  // Too late (over Discord's 3 s) counts as not acknowledged; it must not stop the bot.
  if (interaction.isRepliable()) interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral }).catch(() => {});
});
client.once(Events.ClientReady, () => console.log('connected to Discord'));
process.on('SIGTERM', () => void client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
