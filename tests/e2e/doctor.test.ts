import Database from 'better-sqlite3';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { commandPayload } from '../../src/deploy';
import { snowflake } from '../support/discord-double';
import { useHearth } from '../support/setup';
import { runCli, type ProgramRun } from '../support/programs';

/** The doctor's report lines, e.g. "FAIL  Token: ...", without the fixes. */
const verdicts = (run: ProgramRun) => run.stdout.split('\n').filter((line) => /^(ok|warn|FAIL|skip) /.test(line));

describe('npm run doctor', { timeout: 60_000 }, () => {
  const world = useHearth();
  const env = (more: Record<string, string> = {}) => ({
    DISCORD_TOKEN: world.hearth.double.token,
    DISCORD_CLIENT_ID: world.hearth.double.applicationId,
    DISCORD_API_URL: world.hearth.double.apiUrl,
    DATABASE_PATH: world.hearth.databasePath,
    ...more,
  });

  it('with everything in place: one ok per check, exit 0, and nothing sent to Discord but questions', async () => {
    const { hearth, leader } = world;
    hearth.double.registeredCommands.set('global', commandPayload());
    const wall = hearth.double.addChannel(hearth.guild, 'kudos-wall');
    await leader.run('settings recognition-channel', { channel: { id: wall.id } });
    await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'How are you?', name: 'Daily' });
    await leader.run('poll create', { question: 'Pizza?', choices: 'Yes | No' });
    const requestsBefore = hearth.double.requests.length;

    const run = await runCli('doctor', [], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(verdicts(run)).toEqual([
      expect.stringMatching(/^ok {4}Node: v\d+\.\d+\.\d+ is one Hearth is tested on \(\^20\.12\.0 \|\| /),
      'ok    Settings: read; commands go to every server (global)',
      expect.stringMatching(/^ok {4}Database: .*hearth\.sqlite \(.*\) opens, passes integrity_check and can be written; every migration applied$/),
      expect.stringMatching(/^ok {4}Disk space: .* free where the database lives$/),
      'ok    Token: Discord accepts it: the bot is Hearth',
      `ok    Application id: ${hearth.double.applicationId} is this token's application ("Hearth")`,
      `ok    Slash commands: all ${commandPayload().length} are deployed to every server (global) and up to date`,
      'ok    Server "Test Server": Hearth has what it needs in the 2 channels it uses',
      'ok    Servers: Hearth is in 1 server; 0 of them use no channel yet',
    ]);
    expect(run.stdout).toContain('Everything Hearth needs is in place.');
    expect(hearth.double.requests.slice(requestsBefore).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('names what is wrong with a fix for each: commands out of date, a permission taken away, a channel gone, another application id', async () => {
    const { hearth } = world;
    hearth.double.registeredCommands.set('global', commandPayload().filter((c) => c.name !== 'survey'));
    const botRole = hearth.double.botRole(hearth.guild);
    hearth.double.setOverwrites(hearth.guild, hearth.general, [{ id: botRole.id, type: 0, allow: 0n, deny: PermissionFlagsBits.EmbedLinks }]);
    const wall = [...hearth.guild.channels.values()].find((c) => c.name === 'kudos-wall')!;
    hearth.guild.channels.delete(wall.id);

    const run = await runCli('doctor', [], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  Slash commands: the commands registered for every server (global) differ from this version (not deployed: survey)\n      Fix: Run npm run deploy-commands.');
    expect(run.stdout).toContain('FAIL  Server "Test Server": #general (check-in "Daily"): Hearth lacks Embed Links\n      Fix: Give Hearth\'s role Embed Links in #general (Edit Channel -> Permissions).');
    expect(run.stdout).toContain('FAIL  Server "Test Server": #general (open poll #1): Hearth lacks Embed Links');
    expect(run.stdout).toContain(`FAIL  Server "Test Server": the channel of the recognition channel (${wall.id}) no longer exists\n      Fix: Choose another with /settings recognition-channel.`);
    expect(run.stdout).toContain('4 problems found.');

    const otherApp = snowflake();
    const wrongApp = await runCli('doctor', [], env({ DISCORD_CLIENT_ID: otherApp }));
    expect(wrongApp.code).toBe(1);
    expect(wrongApp.stdout).toContain(`FAIL  Application id: DISCORD_CLIENT_ID ${otherApp} is not the application of this token (that is ${hearth.double.applicationId}, "Hearth")\n      Fix: Set DISCORD_CLIENT_ID=${hearth.double.applicationId}`);
    expect(wrongApp.stdout).toContain('skip  Slash commands: needs the right DISCORD_CLIENT_ID');
  });

  it('with a refused token or an unreachable Discord: says so, skips what needs Discord, exits 1', async () => {
    const refused = await runCli('doctor', [], env({ DISCORD_TOKEN: 'MTIz.refused.token' }));
    expect(refused.code).toBe(1);
    expect(verdicts(refused).slice(4)).toEqual([
      'FAIL  Token: Discord refused DISCORD_TOKEN. Copy a fresh token from https://discord.com/developers/applications -> your application -> Bot -> Reset Token, and put it in .env.',
      'skip  Discord: the other Discord checks need an accepted token',
    ]);

    const unreachable = await runCli('doctor', [], env({ DISCORD_API_URL: 'http://127.0.0.1:9/api' }));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toContain("FAIL  Token: Hearth could not reach Discord at http://127.0.0.1:9/api (");
    expect(unreachable.stdout).toContain("Check this machine's internet connection, DNS and firewall, or DISCORD_API_URL.");
    for (const run of [refused, unreachable]) expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('with a database another program keeps locked, or settings it cannot read: says which, exits 1', async () => {
    const holder = new Database(world.hearth.databasePath);
    try {
      holder.exec('BEGIN EXCLUSIVE');
      const locked = await runCli('doctor', [], env());
      expect(locked.code).toBe(1);
      expect(locked.stdout).toMatch(/FAIL {2}Database: .*hearth\.sqlite is locked: another program held it for more than 3 s\n {6}Fix: Close whatever holds it/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }

    const badSettings = await runCli('doctor', [], env({ HEALTH_PORT: '70000' }));
    expect(badSettings.code).toBe(1);
    expect(verdicts(badSettings)[1]).toBe('FAIL  Settings: HEALTH_PORT must be a port number from 1 to 65535 (or leave it out to turn the health server off).');
    expect(badSettings.stdout).toMatch(/ok {4}Database: /);
    expect(badSettings.stdout).toContain('skip  Discord: needs the settings above');
  });
});
