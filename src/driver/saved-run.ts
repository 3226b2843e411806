import type {Lesson} from '../lesson/schema.js';
import {localNames, onlyNamed, savedNames} from '../lesson/saved-names.js';
import {stepsFor} from '../lesson/steps.js';
import {fill} from '../lesson/template.js';
import {runKey, type LessonProgress} from '../progress/store.js';
import {registryOfChoice, type RegistryChoice} from './lab-vars.js';
import type {ResumeOfferView} from './port.js';

/** Saved progress of an unfinished run, as offered for resuming. */
export type SavedRun = {
	readonly choice: RegistryChoice;
	readonly stepId: string;
	readonly completed: readonly string[];
	readonly vars: Record<string, string>;
	/** When each step first passed (the saved run's passedAt). */
	readonly passedAt?: Readonly<Record<string, string>>;
};
/** Where a run starts when it does not start at the beginning, with why it went back, when it did. */
export type Resume = {
	readonly stepId: string;
	readonly vars: Record<string, string>;
	readonly completed?: readonly string[];
	readonly notice?: string;
	/** When each step first passed; the driver keeps the times of the steps still completed. */
	readonly passedAt?: Readonly<Record<string, string>>;
};

/** The registry a saved run used. */
export function choiceOf(progress: Pick<LessonProgress, 'registry' | 'registryKind'>): RegistryChoice {
	switch (progress.registryKind) {
		case 'hub':
			return {kind: 'hub'};
		case 'class':
			return {kind: 'class', host: progress.registry};
		case 'practice':
			return {kind: 'practice'};
	}
}

/**
 * The lesson's variables as they were saved: only those the lesson saves on that kind of registry
 * (saved-names.ts), so a name the file gained some other way (edited by hand, another lesson of the
 * same id) never replaces one of the lab's own variables.
 */
export function savedVars(lesson: Lesson, progress: LessonProgress): Record<string, string> {
	return onlyNamed(progress.vars, savedNames(stepsFor(lesson, progress.registryKind)));
}

/**
 * What of a practice run still holds on the next practice registry: only what is on this computer,
 * the inputs that name a local image. The registry's address, the names under it, the facts its
 * checks found and the classmate's image went with the last one; the next one makes its own account.
 */
function keptForPractice(lesson: Lesson, vars: Record<string, string>): Record<string, string> {
	return onlyNamed(vars, localNames(stepsFor(lesson, 'practice')));
}

/**
 * The saved runs of a lesson worth offering to resume (unfinished, with a step done), in the order
 * given (the store's: the most recently updated first). A practice run keeps only what is on this
 * computer: it goes on with a new practice registry.
 */
export function savedRuns(lesson: Lesson, runs: readonly LessonProgress[]): SavedRun[] {
	return runs.flatMap(progress => {
		if (progress.finished || progress.completed.length === 0) return [];
		const vars = savedVars(lesson, progress);
		const kept = progress.registryKind === 'practice' ? keptForPractice(lesson, vars) : vars;
		return [
			{
				choice: choiceOf(progress),
				stepId: progress.stepId,
				completed: progress.completed,
				vars: kept,
				...(progress.passedAt ? {passedAt: progress.passedAt} : {}),
			},
		];
	});
}

/** Whether a saved run is on this registry (every practice registry counts as one). */
export function isOn(run: SavedRun, choice: RegistryChoice): boolean {
	const key = (of: RegistryChoice): string => runKey({registryKind: of.kind, registry: registryOfChoice(of)});
	return key(run.choice) === key(choice);
}

/** The run to offer: the one on the registry asked for; with none asked for, the first (the most recently updated). */
export function offeredRun(runs: readonly SavedRun[], choice: RegistryChoice | undefined): SavedRun | undefined {
	return choice ? runs.find(run => isOn(run, choice)) : runs[0];
}

/** How an unfinished run is described when it is offered. */
export function resumeOffer(lesson: Lesson, saved: SavedRun): ResumeOfferView {
	const steps = stepsFor(lesson, saved.choice.kind);
	const index = Math.max(
		0,
		steps.findIndex(step => step.id === saved.stepId),
	);
	const {choice} = saved;
	return {
		step: index + 1,
		steps: steps.length,
		title: fill(steps[index]?.title ?? saved.stepId, saved.vars),
		where: choice.kind === 'hub' ? 'Docker Hub' : choice.kind === 'class' ? choice.host : 'the practice registry',
		...(saved.vars.username ? {username: saved.vars.username} : {}),
	};
}

/** One line naming every unfinished run: `Unfinished: on the class registry HOST as NAME (step 4 of 9); on the practice registry (step 2 of 9).` */
export function unfinishedLine(lesson: Lesson, runs: readonly SavedRun[]): string {
	const each = runs.map(run => {
		const {step, steps, username} = resumeOffer(lesson, run);
		const {choice} = run;
		const where = choice.kind === 'hub' ? 'Docker Hub' : choice.kind === 'class' ? `the class registry ${choice.host}` : 'the practice registry';
		return `on ${where}${username ? ` as ${username}` : ''} (step ${step} of ${steps})`;
	});
	return `Unfinished: ${each.join('; ')}.`;
}
