import { customId } from '../bot/custom-id';

/** The custom ids of survey cards and of the private answering flow; each holds all a click needs. */
export const surveyIds = {
  /** "Take survey" on the public card. */
  take: customId('survey', 'take', { surveyId: 'int' }),
  /** Show a step without checking the current one (Back, resume). */
  go: customId('survey', 'go', { surveyId: 'int', step: 'int' }),
  /** Leave a step forward: its required questions must be answered. */
  next: customId('survey', 'next', { surveyId: 'int', step: 'int' }),
  /** A button answer (scales, yes-no). */
  pick: customId('survey', 'pick', { surveyId: 'int', step: 'int', value: 'int' }),
  /** A select answer (choices). */
  choose: customId('survey', 'choose', { surveyId: 'int', step: 'int' }),
  /** Opens the modal of a page of text questions. */
  form: customId('survey', 'form', { surveyId: 'int', step: 'int' }),
  modal: customId('survey', 'modal', { surveyId: 'int', step: 'int' }),
  submit: customId('survey', 'submit', { surveyId: 'int' }),
  /** A leader's preview: nothing is saved. */
  previewGo: customId('survey', 'pv-go', { surveyId: 'int', step: 'int' }),
  previewForm: customId('survey', 'pv-form', { surveyId: 'int', step: 'int' }),
  previewModal: customId('survey', 'pv-modal', { surveyId: 'int', step: 'int' }),
  /** Pages of text answers in the results. */
  textPage: customId('survey', 'text', { surveyId: 'int', position: 'int', page: 'int' }),
  /** Turning those pages in place. */
  textTurn: customId('survey', 'text-turn', { surveyId: 'int', position: 'int', page: 'int' }),
};
