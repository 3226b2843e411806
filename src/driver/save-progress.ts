import type {RunState} from '../lesson-run/lesson-run.js';
import {progressFrom, type LessonProgress} from '../progress/store.js';

/** What is saved of a lesson run: where it got to, and the allow-listed variables. */
export function progressOfRun(state: RunState): LessonProgress {
	const stepId = state.steps[Math.min(state.index, state.steps.length - 1)]?.id ?? '';
	const {passedAt} = state;
	return progressFrom({
		vars: state.vars,
		completed: state.completed,
		stats: state.stats,
		stepId,
		finished: state.phase.name === 'finished',
		...(passedAt ? {passedAt} : {}),
	});
}
