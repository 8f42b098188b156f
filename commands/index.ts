import type { Command } from '../src/bot/command';
import { checkin } from './checkin';
import { giveKudos } from './give-kudos';
import { help } from './help';
import { insights } from './insights';
import { kudos } from './kudos';
import { poll } from './poll';
import { preferences } from './preferences';
import { privacy } from './privacy';
import { settings } from './settings';
import { survey } from './survey';

/** Every command Hearth offers, in the order `/help` and the deploy script list them. */
export const commands: readonly Command[] = [help, settings, poll, kudos, giveKudos, checkin, survey, insights, privacy, preferences];
