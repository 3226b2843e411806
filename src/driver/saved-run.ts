import type {Lesson} from '../lesson/schema.js';
import {stepsFor} from '../lesson/steps.js';
import {fill} from '../lesson/template.js';
import {savedVariables, type LessonProgress} from '../progress/store.js';
import {registryOfChoice, type RegistryChoice} from './lab-vars.js';
import type {ResumeOfferView} from './port.js';

/** Saved progress of an unfinished run, as offered for resuming. */
export type SavedRun = {readonly choice: RegistryChoice; readonly stepId: string; readonly completed: readonly string[]; readonly vars: Record<string, string>};
/** Where a run starts when it does not start at the beginning, with why it went back, when it did. */
export type Resume = {readonly stepId: string; readonly vars: Record<string, string>; readonly completed?: readonly string[]; readonly notice?: string};

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

/** The lesson's variables as they were saved (never a secret: only those the store keeps). */
export function savedVars(progress: LessonProgress): Record<string, string> {
	const vars: Record<string, string> = {};
	for (const name of savedVariables) {
		const value = progress[name];
		if (value) vars[name] = value;
	}
	return vars;
}

/**
 * Saved progress worth offering to resume: unfinished, on a registry that still exists
 * (a practice registry is gone with its lesson), and the one asked for, if any.
 */
export function resumable(progress: LessonProgress | undefined, choice: RegistryChoice | undefined): SavedRun | undefined {
	if (!progress || progress.finished || progress.registryKind === 'practice' || progress.completed.length === 0) return undefined;
	const saved = choiceOf(progress);
	if (choice && (choice.kind !== saved.kind || registryOfChoice(choice) !== registryOfChoice(saved))) return undefined;
	return {choice: saved, stepId: progress.stepId, completed: progress.completed, vars: savedVars(progress)};
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
