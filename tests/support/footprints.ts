// A community set up through the real client (a named and an anonymous poll, a survey, a check-in
// posted now), and members taking part in all of it: what the privacy tests export and delete.
import { expect } from 'vitest';
import { isEphemeral, textOf, type StoredMessage, type TestHearth, type TestMember } from './harness';

export interface Community {
  poll: StoredMessage;
  secretPoll: StoredMessage;
  survey: StoredMessage;
  checkin: StoredMessage;
}

/** What a member left behind: the texts they wrote, and the shout-outs of kudos they gave and received. */
export interface Footprint {
  note: string;
  answer: string;
  kudosGiven: string;
  shoutOuts: StoredMessage[];
}

const newMessage = (hearth: TestHearth, before: Set<string>, text: string) =>
  hearth.double.waitFor(() => [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m) && textOf(m).includes(text)), `a public message with "${text}"`);

/** Posts what members take part in, as `leader`; `tag` keeps the texts of several communities apart. */
export async function setUpCommunity(hearth: TestHearth, leader: TestMember, tag: string): Promise<Community> {
  const before = new Set(hearth.double.messages.keys());
  const channel = { id: [...leader.guild.channels.values()][0]!.id };
  await leader.run('poll create', { question: `Lunch ${tag}?`, choices: 'Tea | Coffee', channel });
  await leader.run('poll create', { question: `Secret ${tag}?`, choices: 'Yes | No', anonymous: true, channel });
  const draft = await leader.run('survey create', { title: `Feedback ${tag}` });
  const surveyId = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
  await leader.run('survey add-question', { survey: surveyId, kind: 'short-text', prompt: 'Anything to tell us?' });
  await leader.run('survey publish', { survey: surveyId, channel });
  const scheduled = await leader.run('checkin schedule', { channel, when: 'daily 09:00', prompt: `How are you ${tag}?`, name: `Daily ${tag}` });
  await leader.run('checkin run', { id: Number(/Check-in #(\d+)/.exec(scheduled.reply.content)![1]) });
  return {
    poll: await newMessage(hearth, before, `Lunch ${tag}?`),
    secretPoll: await newMessage(hearth, before, `Secret ${tag}?`),
    survey: await newMessage(hearth, before, `Feedback ${tag}`),
    checkin: await newMessage(hearth, before, `How are you ${tag}?`),
  };
}

/** `member` votes in both polls, answers the survey and the check-in with a note, and thanks `friend`, who thanks them back. */
export async function takePart(hearth: TestHearth, community: Community, member: TestMember, friend: TestMember): Promise<Footprint> {
  const footprint = { note: `A private note from ${member.name}`, answer: `Written by ${member.name} in a survey`, kudosGiven: `${member.name} says thanks for the help` };
  expect((await member.click(community.poll, 'Tea')).reply.content).toContain('Tea');
  await member.click(community.secretPoll, 'No');
  const screen = (await member.click(community.survey, 'Take survey')).reply;
  await member.submitModal(await member.click(screen, 'Answer'), { q1: footprint.answer });
  expect(textOf((await member.click(screen, 'Submit')).reply)).toContain('Your answers are in');
  await member.click(community.checkin, 'good');
  await member.submitModal(await member.click(community.checkin, 'Add a note'), { 'Your note': footprint.note });
  const before = new Set(hearth.double.messages.keys());
  await member.run('kudos give', { member: { id: friend.id }, value: 'Kindness', message: footprint.kudosGiven });
  await friend.run('kudos give', { member: { id: member.id }, value: 'Helpfulness', message: `${friend.name} thanks ${member.name}` });
  const shoutOuts = [await newMessage(hearth, before, footprint.kudosGiven), await newMessage(hearth, before, `${friend.name} thanks ${member.name}`)];
  return { ...footprint, shoutOuts };
}
