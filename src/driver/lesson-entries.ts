import type {Lesson} from '../lesson/schema.js';
import {stepApplies} from '../lesson/steps.js';
import type {LessonProgress} from '../progress/store.js';

/** A lesson as the lesson menu lists it, with where the student is with it. */
export type LessonEntry = {
	readonly id: string;
	readonly title: string;
	readonly summary: string;
	/** Where the student is with it: not started, stopped at a step, or finished. */
	readonly status: {readonly kind: 'new'} | {readonly kind: 'started'; readonly step: number; readonly steps: number} | {readonly kind: 'done'};
};

/** Each lesson with its mark, from the saved progress. */
export function lessonEntries(lessons: readonly Lesson[], progress: Readonly<Record<string, LessonProgress>>): LessonEntry[] {
	return lessons.map(lesson => {
		const saved = progress[lesson.id];
		const steps = lesson.steps.filter(step => !saved || stepApplies(step, saved.registryKind));
		const status: LessonEntry['status'] = !saved
			? {kind: 'new'}
			: saved.finished
				? {kind: 'done'}
				: {kind: 'started', step: Math.max(1, steps.findIndex(step => step.id === saved.stepId) + 1), steps: steps.length};
		return {id: lesson.id, title: lesson.title, summary: lesson.summary, status};
	});
}
