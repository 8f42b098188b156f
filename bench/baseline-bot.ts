// The baseline for the vote-burst benchmark: a discord.js bot that only acknowledges each click,
// with the same client settings as Hearth. The difference between the two is Hearth's vote path.
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: process.env.DISCORD_API_URL! } });
client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isButton()) void interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
});
client.once(Events.ClientReady, () => console.log('connected to Discord'));
process.on('SIGTERM', () => void client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
