/** The most a lesson file may hold: a lesson is a page of text, not a data set. */
export const maxLessonBytes = 1_000_000;
