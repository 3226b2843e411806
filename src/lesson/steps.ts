import type {Lesson, RegistryKind, Step} from './schema.js';

/** Whether a step is part of the lesson on this kind of registry. */
export function stepApplies(step: Step, kind: RegistryKind): boolean {
	return step.registries === undefined || step.registries.includes(kind);
}

/** The lesson's steps for this kind of registry, in order. */
export function stepsFor(lesson: Lesson, kind: RegistryKind): Step[] {
	return lesson.steps.filter(step => stepApplies(step, kind));
}
