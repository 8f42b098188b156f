import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
  AnySelectMenuInteraction,
  UserContextMenuCommandInteraction,
  MessageContextMenuCommandInteraction,
} from 'discord.js';
import type { CustomIdSpec, CustomIdValues, FieldType } from './custom-id';
import type { AppContext } from '../context';

type Fields = Record<string, FieldType>;
type Handler<I> = (interaction: I, ctx: AppContext) => Promise<void>;

/** A slash command: its definition, who may use it, and what each subcommand does. */
export interface SlashCommand {
  kind: 'slash';
  data: { name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  /** Checked by the router before any handler runs. */
  leadersOnly?: boolean;
  /** Keyed by subcommand name, or `group subcommand`. */
  subcommands?: Record<string, Handler<ChatInputCommandInteraction<'cached'>>>;
  execute?: Handler<ChatInputCommandInteraction<'cached'>>;
  autocomplete?: Handler<AutocompleteInteraction<'cached'>>;
  components?: ComponentHandler[];
}

export interface UserMenuCommand {
  kind: 'user-menu';
  data: { name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  execute: Handler<UserContextMenuCommandInteraction<'cached'>>;
  components?: ComponentHandler[];
}

export interface MessageMenuCommand {
  kind: 'message-menu';
  data: { name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  execute: Handler<MessageContextMenuCommandInteraction<'cached'>>;
  components?: ComponentHandler[];
}

export type Command = SlashCommand | UserMenuCommand | MessageMenuCommand;

type ComponentKind = 'button' | 'select' | 'modal';
type ComponentInteraction = {
  button: ButtonInteraction<'cached'>;
  select: AnySelectMenuInteraction<'cached'>;
  modal: ModalSubmitInteraction<'cached'>;
};

export interface ComponentHandler {
  kind: ComponentKind;
  spec: CustomIdSpec;
  /** Also answered in a direct message (a control on one Hearth sent): the interaction then has no server. */
  inDirectMessages?: boolean;
  run(interaction: ComponentInteraction[ComponentKind], values: Record<string, string | number>, ctx: AppContext): Promise<void>;
}

function component<K extends ComponentKind>(kind: K) {
  return <F extends Fields>(
    spec: CustomIdSpec<F>,
    run: (interaction: ComponentInteraction[K], values: CustomIdValues<F>, ctx: AppContext) => Promise<void>,
  ): ComponentHandler => ({ kind, spec: spec as unknown as CustomIdSpec, run: run as ComponentHandler['run'] });
}

/** Declare what a button, select menu or modal with a given custom id does. */
export const onButton = component('button');
export const onSelect = component('select');
export const onModal = component('modal');

type AnyComponentInteraction = {
  button: ButtonInteraction;
  modal: ModalSubmitInteraction;
};

function directComponent<K extends 'button' | 'modal'>(kind: K) {
  return <F extends Fields>(
    spec: CustomIdSpec<F>,
    run: (interaction: AnyComponentInteraction[K], values: CustomIdValues<F>, ctx: AppContext) => Promise<void>,
  ): ComponentHandler => ({ kind, spec: spec as unknown as CustomIdSpec, inDirectMessages: true, run: run as unknown as ComponentHandler['run'] });
}

/**
 * Declare a control that sits on a direct message Hearth sent (and may sit in a server too): its
 * handler finds the server through the stored row its custom id names, never through the interaction.
 */
export const onDirectButton = directComponent('button');
export const onDirectModal = directComponent('modal');
