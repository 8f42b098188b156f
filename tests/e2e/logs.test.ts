// What the logs keep: through the real client, when Discord refuses or fails requests that carry
// an interaction token in their path and a member's words in their body, the log lines say what
// failed and where, but hold neither.
import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf } from '../support/harness';
import { useHearth } from '../support/setup';

describe('logs', () => {
  const world = useHearth();

  it('hold no interaction token when Discord refuses an answer, yet say which request it was', async () => {
    const { hearth, leader } = world;
    await leader.run('poll create', { question: 'Tea or coffee?', choices: 'Tea | Coffee' });
    const from = hearth.logs.length;
    hearth.double.failNext('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, 403, 50001, 'Missing Access');
    const seen = await hearth.member('reader').run('poll results', { poll: 1 });
    expect(isEphemeral(seen.reply)).toBe(true);
    const lines = hearth.logs.slice(from).join('\n');
    expect(lines).toContain('discord refused a request');
    expect(lines).toContain(`PATCH /api/v10/webhooks/${hearth.double.applicationId}/[redacted]/messages/%40original`);
    expect(lines).not.toContain(seen.record.token);
  });

  it('hold neither a written survey answer nor the token when answering fails', async () => {
    const { hearth, leader } = world;
    const words = 'Honestly the moderators scare me a little';
    const { reply: draft } = await leader.run('survey create', { title: 'Open feedback' });
    const surveyId = Number(/#(\d+)/.exec(textOf(draft))![1]);
    await leader.run('survey add-question', { survey: surveyId, kind: 'long-text', prompt: 'Anything on your mind?' });
    const { reply: up } = await leader.run('survey publish', { survey: surveyId });
    const card = hearth.double.messages.get(/\/(\d+)$/.exec(up.content)![1]!)!;
    const member = hearth.member('writer');
    const screen = (await member.click(card, 'Take survey')).reply;
    const form = await member.click(screen, 'Answer');
    const from = hearth.logs.length;
    // Discord refuses the screen that shows the answer back (its body holds the member's words).
    hearth.double.failNext('POST', /^\/interactions\/\d+\/[^/]+\/callback$/, 400, 50035, 'Invalid Form Body');
    const failed = await member.submitModal(form, { 'Anything on your mind?': words });
    expect(failed.reply.content).toContain("Something went wrong on Hearth's side");
    const lines = hearth.logs.slice(from).join('\n');
    expect(lines).toContain('interaction failed');
    expect(lines).toContain('DiscordAPIError');
    expect(lines).not.toContain(words);
    expect(lines).not.toContain('moderators scare me');
    expect(lines).not.toContain(failed.record.token);
  });

  it('hold no kudos message when its shout-out cannot be posted', async () => {
    const { hearth, leader } = world;
    const words = 'Thank you for talking me through a really hard week';
    const from = hearth.logs.length;
    hearth.double.failNext('POST', new RegExp(`^/channels/${hearth.general.id}/messages$`), 500, 0, 'Internal Server Error');
    const refused = await hearth.member('grateful').run('kudos give', { member: { id: leader.id }, value: 'Kindness', message: words });
    expect(refused.reply.content).toContain('your kudos was not given');
    const lines = hearth.logs.slice(from).join('\n');
    expect(lines).toContain('could not post a kudos shout-out');
    expect(lines).not.toContain(words);
    expect(lines).not.toContain('hard week');
    expect(lines).not.toContain(refused.record.token);
  });
});
