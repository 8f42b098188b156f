import type { SurveyQuestionKind } from './schema';

export const SURVEY_LIMITS = {
  titleLength: 100,
  descriptionLength: 1000,
  promptLength: 200,
  choiceLength: 80,
  minChoices: 2,
  maxChoices: 25,
  maxQuestions: 20,
  shortTextLength: 300,
  longTextLength: 2000,
  /** Discord modals hold at most five inputs. */
  textsPerModal: 5,
  minDurationMs: 3_600_000,
  maxDurationMs: 60 * 86_400_000,
  /** Anonymous surveys never show anything below this many responses, whatever the setting says. */
  minAnonymousResponses: 3,
  maxAnonymousResponses: 100,
} as const;

export const isTextKind = (kind: SurveyQuestionKind) => kind === 'short-text' || kind === 'long-text';
export const isChoiceKind = (kind: SurveyQuestionKind) => kind === 'single-choice' || kind === 'multi-choice';
