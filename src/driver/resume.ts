import {verifyProgress} from '../checks/verify-run.js';
import type {Engine} from '../container/engine.js';
import type {Lesson} from '../lesson/schema.js';
import {stepsFor} from '../lesson/steps.js';
import type {HubClient} from '../registry/hub-client.js';
import {registryOfChoice, labVars} from './lab-vars.js';
import type {Resume, SavedRun} from './saved-run.js';
import {createLabServices} from './services.js';

/**
 * Re-run the checks of the completed steps (a login may have expired, an image may be gone)
 * and resume at the first that no longer holds, saying why; else where the student stopped.
 */
export async function recheck(lesson: Lesson, engine: Engine, saved: SavedRun, hub?: HubClient): Promise<Resume> {
	const {choice} = saved;
	const host = registryOfChoice(choice);
	const vars = {...labVars(choice, host, engine.name), ...saved.vars};
	const services = createLabServices({engine, registry: host, registryKind: choice.kind, ...(hub ? {hub} : {})});
	const report = await verifyProgress({lesson, registryKind: choice.kind, registry: host, vars, runCheck: check => services.runCheck(check)});
	const broken = report.steps.find(step => !step.ok && saved.completed.includes(step.id));
	if (!broken) return {stepId: saved.stepId, vars: saved.vars, completed: saved.completed};
	const order = stepsFor(lesson, choice.kind).map(step => step.id);
	const completed = saved.completed.filter(id => order.indexOf(id) < order.indexOf(broken.id));
	return {
		stepId: broken.id,
		vars: saved.vars,
		completed,
		notice: `Back to “${broken.title}”: ${broken.summary.split('\n')[0]} ${broken.hint ?? ''}`.trim(),
	};
}
