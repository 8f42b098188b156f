// `npm run deploy-commands [-- --dry-run | --clear]`: registers Hearth's slash commands with Discord.
import { ConfigError, loadConfig } from '../config';
import { deployCommands } from '../deploy';
import { describeRequestFailure, explainConnectionError } from '../connection-errors';
import { loadEnvFile, runProgram } from './program';

await runProgram(async () => {
  loadEnvFile();
  const dryRun = process.argv.includes('--dry-run');
  const clear = process.argv.includes('--clear');
  // A dry run sends nothing, so it needs no credentials.
  const config = dryRun
    ? { token: '', clientId: process.env.DISCORD_CLIENT_ID, guildId: process.env.DISCORD_GUILD_ID || undefined, apiUrl: '' }
    : loadConfig(process.env, 'deploy its commands');
  try {
    await deployCommands({ config, dryRun, clear });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const known = explainConnectionError(error, config.apiUrl) ?? describeRequestFailure(error);
    if (!known) throw error;
    console.error(`${known}\nNothing was changed on Discord.`);
    return 1;
  }
  return 0;
});
