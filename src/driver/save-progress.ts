import {onlyNamed, savedNames} from '../lesson/saved-names.js';
import type {RunState} from '../lesson-run/lesson-run.js';
import {progressFrom, type LessonProgress} from '../progress/store.js';

/**
 * What is saved of a lesson run: where it got to, and the lesson's own variables (saved-names.ts: its
 * inputs but the secrets, its derived variables, the facts its checks found), whatever the lesson calls them.
 */
export function progressOfRun(state: RunState): LessonProgress {
	const stepId = state.steps[Math.min(state.index, state.steps.length - 1)]?.id ?? '';
	const {passedAt} = state;
	const names = savedNames(state.steps);
	for (const secret of state.secretNames) names.delete(secret);
	return progressFrom({
		registry: state.vars.registry ?? '',
		registryKind: state.registryKind,
		vars: onlyNamed(state.vars, names),
		completed: state.completed,
		stats: state.stats,
		stepId,
		finished: state.phase.name === 'finished',
		...(passedAt ? {passedAt} : {}),
	});
}
