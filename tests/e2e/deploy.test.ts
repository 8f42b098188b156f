import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { DiscordDouble } from '../support/discord-double';
import { deployCommands } from '../../src/deploy';
import { commands } from '../../commands';
import { runCli } from '../support/programs';

describe('npm run deploy-commands', () => {
  let double: DiscordDouble;
  beforeAll(async () => {
    double = await DiscordDouble.start();
  });
  afterAll(() => double.close());

  const config = () => ({ token: double.token, clientId: double.applicationId, guildId: undefined as string | undefined, apiUrl: double.apiUrl });

  it('registers every command with its options to one server when DISCORD_GUILD_ID is set', async () => {
    const guild = double.addGuild('Dev Server');
    const lines: string[] = [];
    const result = await deployCommands({ config: { ...config(), guildId: guild.id }, print: (l) => lines.push(l) });

    expect(result).toMatchObject({ target: 'guild', sent: true });
    const put = double.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(`/applications/${double.applicationId}/guilds/${guild.id}/commands`);
    const body = put?.body as { name: string; options?: { name: string; type: number; options?: { name: string }[] }[] }[];
    expect(body.map((c) => c.name).sort()).toEqual(commands.map((c) => c.data.name).sort());
    const settings = body.find((c) => c.name === 'settings')!;
    expect(settings.options?.map((o) => o.name)).toEqual(['show', 'leader-role', 'timezone', 'recognition-channel', 'polls-by-members', 'kudos-values', 'kudos-daily-limit', 'kudos-milestone', 'kudos-roundup', 'retention', 'delete-all-data', 'digest']);
    expect(body.find((c) => c.name === 'privacy')!.options?.map((o) => o.name)).toEqual(['info', 'export', 'delete', 'forget']);
    const create = body.find((c) => c.name === 'poll')!.options?.find((o) => o.name === 'create');
    expect(create?.options?.map((o) => o.name)).toEqual(['question', 'choices', 'multi', 'max-choices', 'anonymous', 'hide-results', 'closes-in', 'role', 'channel']);
    expect(settings.options?.find((o) => o.name === 'timezone')?.options?.[0]).toMatchObject({ name: 'zone', type: ApplicationCommandOptionType.String, autocomplete: true });
    expect(lines.join('\n')).toContain(`Registered ${commands.length} commands for server ${guild.id}`);
    expect(lines.join('\n')).toContain('/settings (show, leader-role, timezone, recognition-channel, polls-by-members, kudos-values, kudos-daily-limit, kudos-milestone, kudos-roundup, retention, delete-all-data, digest)');
  });

  it('registers globally without DISCORD_GUILD_ID, and sends nothing when Discord already has the same commands', async () => {
    const first = await deployCommands({ config: config(), print: () => {} });
    expect(first).toMatchObject({ target: 'global', sent: true });
    const puts = double.requests.filter((r) => r.method === 'PUT' && r.path === `/applications/${double.applicationId}/commands`).length;

    const lines: string[] = [];
    const second = await deployCommands({ config: config(), print: (l) => lines.push(l) });
    expect(second.sent).toBe(false);
    expect(lines.join('\n')).toContain('already up to date');
    expect(double.requests.filter((r) => r.method === 'PUT' && r.path === `/applications/${double.applicationId}/commands`)).toHaveLength(puts);
    // What Discord returned is its normalised copy (no `required: false`, defaults added), not our payload.
    const fetched = JSON.stringify(await (await fetch(`${double.apiUrl}/v10/applications/${double.applicationId}/commands`, { headers: { authorization: `Bot ${double.token}` } })).json());
    expect(fetched).not.toContain('"required":false');
    expect(fetched).toContain('"integration_types":[0]');

    // Discord's copy is out of date (an older Hearth registered it): everything is sent again.
    const registered = double.registeredCommands.get('global')!;
    double.registeredCommands.set('global', registered.map((c) => (c.name === 'help' ? { ...c, description: 'An older description' } : c)));
    const third = await deployCommands({ config: config(), print: () => {} });
    expect(third.sent).toBe(true);
    expect(double.requests.filter((r) => r.method === 'PUT' && r.path === `/applications/${double.applicationId}/commands`)).toHaveLength(puts + 1);
  });

  it('Discord refuses command payloads it would not register (the double checks them like Discord)', async () => {
    const put = (body: unknown) =>
      fetch(`${double.apiUrl}/v10/applications/${double.applicationId}/commands`, {
        method: 'PUT',
        headers: { authorization: `Bot ${double.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const option = (name: string, required?: boolean) => ({ type: ApplicationCommandOptionType.String, name, description: 'x', ...(required === undefined ? {} : { required }) });
    const refused: unknown[][] = [
      [{ name: 'Poll', description: 'Upper case' }],
      [{ name: 'poll', description: '' }],
      [{ name: 'poll', description: 'x', options: [option('later'), option('first', true)] }],
      [{ name: 'poll', description: 'x', options: [option('same'), option('same')] }],
      [{ name: 'poll', description: 'x', options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'sub', description: 'x', required: true }] }],
      [{ name: 'poll', description: 'x', options: [{ ...option('pick'), autocomplete: true, choices: [{ name: 'a', value: 'a' }] }] }],
      [{ name: 'poll', description: 'x' }, { name: 'poll', description: 'y' }],
    ];
    for (const body of refused) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { code: number }).code).toBe(50035);
    }
    // Hearth's own commands pass the same checks (the first tests registered them).
    expect(double.registeredCommands.get('global')).toHaveLength(commands.length);
  });

  it('prints the payload and sends nothing with --dry-run', async () => {
    const before = double.requests.length;
    const lines: string[] = [];
    const result = await deployCommands({ config: config(), dryRun: true, print: (l) => lines.push(l) });
    expect(result.sent).toBe(false);
    expect(JSON.parse(lines[0]!)).toEqual(result.payload);
    expect(lines[1]).toContain('Dry run');
    expect(double.requests.length).toBe(before);
  });

  it('removes every command from a server with --clear', async () => {
    const guild = double.addGuild('Dev Copy');
    await deployCommands({ config: { ...config(), guildId: guild.id }, print: () => {} });
    expect(double.registeredCommands.get(guild.id)?.length).toBe(commands.length);
    const lines: string[] = [];
    await deployCommands({ config: { ...config(), guildId: guild.id }, clear: true, print: (l) => lines.push(l) });
    expect(double.registeredCommands.get(guild.id)).toEqual([]);
    expect(lines).toEqual([`Removed every Hearth command from server ${guild.id}.`]);
  });

  it('says where to find the application id when DISCORD_CLIENT_ID is missing', async () => {
    await expect(deployCommands({ config: { ...config(), clientId: undefined }, print: () => {} })).rejects.toThrow(/DISCORD_CLIENT_ID is missing.*Application ID/s);
  });

  it('sends the full list when the server cannot list commands (405), instead of giving up', async () => {
    const guild = double.addGuild('Behind a proxy');
    const route = new RegExp(`^/applications/${double.applicationId}/guilds/${guild.id}/commands$`);
    double.failNextWithPage('GET', route, 405, '<html><body>Method Not Allowed</body></html>');
    const lines: string[] = [];
    const result = await deployCommands({ config: { ...config(), guildId: guild.id }, print: (l) => lines.push(l) });
    expect(result.sent).toBe(true);
    expect(lines[0]).toBe('The server answered 405 when asked which commands are registered; sending the full list instead of comparing.');
    expect(double.registeredCommands.get(guild.id)?.length).toBe(commands.length);
  });

  it('names the status, method and route when Discord refuses, also when the answer is not Discord\'s JSON, and exits 1', async () => {
    const env = () => ({ DISCORD_TOKEN: double.token, DISCORD_CLIENT_ID: double.applicationId, DISCORD_API_URL: double.apiUrl });
    const route = new RegExp(`^/applications/${double.applicationId}/commands$`);
    double.failNext('PUT', route, 403, 50001, 'Missing Access');
    double.registeredCommands.delete('global');
    const refused = await runCli('deploy-commands', [], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`Discord answered 403 to PUT /applications/${double.applicationId}/commands: Missing Access (code 50001).\nNothing was changed on Discord.\n`);

    double.failNextWithPage('GET', route, 403, '<html><body>Forbidden</body></html>');
    const page = await runCli('deploy-commands', [], env());
    expect(page.code).toBe(1);
    expect(page.stderr).toContain(`Discord answered 403 to GET /applications/${double.applicationId}/commands with no explanation Hearth could read.`);
    expect(page.stderr).not.toContain('No Description');
  });
});
