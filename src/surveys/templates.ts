import type { SurveyQuestionKind } from './schema';

export interface TemplateQuestion {
  kind: SurveyQuestionKind;
  prompt: string;
  choices?: string[];
  required: boolean;
}

export const SURVEY_TEMPLATES = ['pulse', 'enps', 'event-feedback'] as const;
export type SurveyTemplate = (typeof SURVEY_TEMPLATES)[number];

/** Ready-made questions, worded so that they can be asked as they are. */
export const TEMPLATE_QUESTIONS: Record<SurveyTemplate, TemplateQuestion[]> = {
  pulse: [
    { kind: 'scale-5', prompt: 'How are you feeling about the community lately? (1 = not great, 5 = great)', required: true },
    { kind: 'scale-5', prompt: 'I feel I belong here. (1 = strongly disagree, 5 = strongly agree)', required: true },
    { kind: 'long-text', prompt: 'What is going well?', required: false },
    { kind: 'long-text', prompt: 'What could be better?', required: false },
    { kind: 'scale-10', prompt: 'How likely are you to recommend this community to a friend? (0 = not at all, 10 = extremely)', required: true },
  ],
  enps: [
    { kind: 'scale-10', prompt: 'How likely are you to recommend this community to a friend? (0 = not at all, 10 = extremely)', required: true },
    { kind: 'long-text', prompt: 'What is the main reason for your score?', required: false },
    { kind: 'long-text', prompt: 'What is one thing we could do to raise it?', required: false },
  ],
  'event-feedback': [
    { kind: 'scale-5', prompt: 'Overall, how was the event? (1 = poor, 5 = excellent)', required: true },
    { kind: 'single-choice', prompt: 'How was the length of the event?', choices: ['Too short', 'About right', 'Too long'], required: false },
    { kind: 'long-text', prompt: 'What did you enjoy most?', required: false },
    { kind: 'long-text', prompt: 'What should we change next time?', required: false },
    { kind: 'yes-no', prompt: 'Would you come to the next one?', required: true },
  ],
};
