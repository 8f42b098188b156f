// The baseline for the burst benchmarks: a discord.js bot that only acknowledges each click, menu
// pick and command, with the same client settings as Hearth. The difference is Hearth's own work.
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { membersNotKept } from '../src/bot/client-cache';

const client = new Client({ intents: [GatewayIntentBits.Guilds], makeCache: membersNotKept, rest: { api: process.env.DISCORD_API_URL! } });
client.on(Events.InteractionCreate, (interaction) => {
  // Too late (over Discord's 3 s) counts as not acknowledged; it must not stop the bot.
  if (interaction.isRepliable()) interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral }).catch(() => {});
});
client.once(Events.ClientReady, () => console.log('connected to Discord'));
process.on('SIGTERM', () => void client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
