import {verifyProgress} from '../checks/verify-run.js';
import type {Engine} from '../container/engine.js';
import type {Lesson} from '../lesson/schema.js';
import {stepsFor} from '../lesson/steps.js';
import type {Vars} from '../lesson/template.js';
import type {HubClient} from '../registry/hub-client.js';
import {registryOfChoice, labVars, withLessonVars} from './lab-vars.js';
import type {Resume, SavedRun} from './saved-run.js';
import {createLabServices} from './services.js';

export type RecheckOptions = {
	readonly hub?: HubClient;
	/** The practice registry that runs now (a practice run goes on with a new one): its address, and the variables its start made. */
	readonly practice?: {readonly host: string; readonly extra: Vars};
};

/**
 * Re-run the checks of the completed steps (a login may have expired, an image may be gone)
 * and resume at the first that no longer holds, saying why; else where the student stopped.
 * A practice run is checked against the new practice registry, which starts empty: it goes back
 * to the first step that needs the registry (logging in to it), keeping the image chosen.
 */
export async function recheck(lesson: Lesson, engine: Engine, saved: SavedRun, options: RecheckOptions = {}): Promise<Resume> {
	const {choice} = saved;
	const host = registryOfChoice(choice, options.practice?.host);
	const vars = {...withLessonVars(lesson, choice.kind, {...labVars(choice, host, engine.name), ...options.practice?.extra}), ...saved.vars};
	const services = createLabServices({engine, registry: host, registryKind: choice.kind, ...(options.hub ? {hub: options.hub} : {})});
	const report = await verifyProgress({lesson, registryKind: choice.kind, registry: host, vars, runCheck: check => services.runCheck(check)});
	const broken = report.steps.find(step => !step.ok && saved.completed.includes(step.id));
	const passedAt = saved.passedAt ? {passedAt: saved.passedAt} : {};
	if (!broken) return {stepId: saved.stepId, vars: saved.vars, completed: saved.completed, ...passedAt};
	const order = stepsFor(lesson, choice.kind).map(step => step.id);
	const completed = saved.completed.filter(id => order.indexOf(id) < order.indexOf(broken.id));
	const why = options.practice ? 'This practice registry is a new one (the last one stopped when its lesson ended). ' : '';
	return {
		stepId: broken.id,
		vars: saved.vars,
		completed,
		...passedAt,
		notice: `${why}Back to “${broken.title}”: ${broken.summary.split('\n')[0]} ${broken.hint ?? ''}`.trim(),
	};
}
