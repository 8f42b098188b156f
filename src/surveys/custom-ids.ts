import { customId, field } from '../bot/custom-id';
import { SURVEY_LIMITS } from './limits';

const survey = { surveyId: field.rowId };
/** A step of the flow: one per question at most, and the review screen after the last. */
const step = { ...survey, step: field.int(0, SURVEY_LIMITS.maxQuestions) };
/** A question's place in its survey, and a page of its written answers. */
const textPage = { ...survey, position: field.int(0, SURVEY_LIMITS.maxQuestions - 1), page: field.int(0, 99_999) };

/** The custom ids of survey cards and of the private answering flow; each holds all a click needs. */
export const surveyIds = {
  /** "Take survey" on the public card. */
  take: customId('survey', 'take', survey),
  /** Show a step without checking the current one (Back, resume). */
  go: customId('survey', 'go', step),
  /** Leave a step forward: its required questions must be answered. */
  next: customId('survey', 'next', step),
  /** A button answer (scales 1-5 and 0-10, yes-no). */
  pick: customId('survey', 'pick', { ...step, value: field.int(0, 10) }),
  /** A select answer (choices). */
  choose: customId('survey', 'choose', step),
  /** Opens the modal of a page of text questions. */
  form: customId('survey', 'form', step),
  modal: customId('survey', 'modal', step),
  submit: customId('survey', 'submit', survey),
  /** A leader's preview: nothing is saved. */
  previewGo: customId('survey', 'pv-go', step),
  previewForm: customId('survey', 'pv-form', step),
  previewModal: customId('survey', 'pv-modal', step),
  /** Pages of text answers in the results. */
  textPage: customId('survey', 'text', textPage),
  /** Turning those pages in place. */
  textTurn: customId('survey', 'text-turn', textPage),
};

/** **Remind me later** on the card, and stopping survey reminders (on the confirmation and on the direct message). */
export const surveyReminderIds = {
  later: customId('survey', 'remind', survey),
  stop: customId('survey', 'remind-stop', survey),
};
