import {createLabServices} from '../driver/services.js';
import {verifyProgress} from '../checks/verify-run.js';
import type {Engine} from '../container/engine.js';
import {stepApplies} from '../lesson/steps.js';
import type {Lesson} from '../lesson/schema.js';
import type {HubClient} from '../registry/hub-client.js';
import {labVars, type RegistryChoice} from '../driver/lab-vars.js';

/** Saved progress of an unfinished run, as offered for resuming. */
export type SavedRun = {readonly choice: RegistryChoice; readonly stepId: string; readonly completed: readonly string[]; readonly vars: Record<string, string>};
/** Where a resumed run starts, with why it went back, when it did. */
export type Resume = {readonly stepId: string; readonly vars: Record<string, string>; readonly completed?: readonly string[]; readonly notice?: string};

/**
 * Re-run the checks of the completed steps (a login may have expired, an image may be gone)
 * and resume at the first that no longer holds, saying why; else where the student stopped.
 * No React here: the Ink app and the plain mode both use it.
 */
export async function recheck(lesson: Lesson, engine: Engine, saved: SavedRun, hub?: HubClient): Promise<Resume> {
	const {choice} = saved;
	const host = choice.kind === 'class' ? choice.host : 'docker.io';
	const registry = choice.kind === 'hub' ? 'docker.io' : host;
	const vars = {...labVars(choice, host, engine.name), ...saved.vars};
	const services = createLabServices({engine, registry, registryKind: choice.kind, ...(hub ? {hub} : {})});
	const report = await verifyProgress({lesson, registryKind: choice.kind, registry, vars, runCheck: check => services.runCheck(check)});
	const broken = report.steps.find(step => !step.ok && saved.completed.includes(step.id));
	if (!broken) return {stepId: saved.stepId, vars: saved.vars, completed: saved.completed};
	const order = lesson.steps.filter(step => stepApplies(step, choice.kind)).map(step => step.id);
	const completed = saved.completed.filter(id => order.indexOf(id) < order.indexOf(broken.id));
	return {
		stepId: broken.id,
		vars: saved.vars,
		completed,
		notice: `Back to “${broken.title}”: ${broken.summary.split('\n')[0]} ${broken.hint ?? ''}`.trim(),
	};
}
