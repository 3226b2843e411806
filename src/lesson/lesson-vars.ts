import {checkFacts} from './check-facts.js';
import type {Lesson, LessonVar, RegistryKind} from './schema.js';
import {fill, variablesIn, type Vars} from './template.js';

/**
 * The variables the lab makes at every start, for the registry chosen (src/driver/lab-vars.ts and, on a
 * practice registry, src/class/seed-classmate.ts): facts only, never wording. A lesson's text about them
 * is the lesson's own (`vars:`).
 */
export const labFacts = [
	'registry',
	'registryKind',
	'registryArg',
	'registryPrefix',
	'engine',
	'signupUrl',
	'tokenUrl',
	/** A practice registry only: the account the lab made, and the image a pretend classmate pushed (when it could). */
	'practicePassword',
	'username',
	'classmateImage',
] as const;

/** The texts a lesson variable may take on this kind of registry, in order of preference. */
function textsFor(value: LessonVar, kind: RegistryKind): readonly string[] {
	if (typeof value === 'string' || Array.isArray(value)) return typeof value === 'string' ? [value] : value;
	const own = value[kind];
	return own === undefined ? [] : typeof own === 'string' ? [own] : own;
}

/**
 * The lesson's own variables on this kind of registry, filled from the lab's: of a list, the first text
 * whose every variable has a value (a practice registry whose pretend classmate could not push has no
 * {classmateImage}); none: empty.
 */
export function lessonVars(lesson: Pick<Lesson, 'vars'>, kind: RegistryKind, lab: Vars): Record<string, string> {
	const made: Record<string, string> = {};
	for (const [name, value] of Object.entries(lesson.vars)) {
		const text = textsFor(value, kind).find(candidate => variablesIn(candidate).every(used => Boolean(lab[used])));
		made[name] = text === undefined ? '' : fill(text, lab);
	}
	return made;
}

type Problem = {readonly path: readonly (string | number)[]; readonly message: string};

/**
 * What the loader refuses of `vars:`: a name the lab, an input, a derived variable or a check's fact
 * already has, and a text using anything but the lab's variables (it is made once, at the start).
 */
export function lessonVarsProblems(lesson: Lesson): Problem[] {
	const problems: Problem[] = [];
	const taken = new Map<string, string>(labFacts.map(name => [name, 'the lab sets it']));
	for (const step of lesson.steps) {
		for (const input of step.inputs) taken.set(input.id, `it is an input of the step '${step.id}'`);
		for (const name of Object.keys(step.derive)) taken.set(name, `the step '${step.id}' derives it`);
		for (const check of [...step.before, ...(step.check ? [step.check] : [])])
			for (const fact of checkFacts[check.type]) taken.set(fact, `the ${check.type} check finds it`);
	}
	const lab = new Set<string>(labFacts);
	for (const [name, value] of Object.entries(lesson.vars)) {
		const why = taken.get(name);
		if (why) problems.push({path: ['vars', name], message: `'${name}' cannot be a lesson variable: ${why}. Give it a name of its own.`});
		for (const kind of ['hub', 'class', 'practice'] as const) {
			for (const text of textsFor(value, kind)) {
				for (const used of variablesIn(text)) {
					if (!lab.has(used)) {
						problems.push({
							path: ['vars', name],
							message:
								`{${used}} cannot be used in a lesson variable: its text is made at the start, ` +
								`from the lab's variables only (${labFacts.join(', ')}).`,
						});
					}
				}
			}
		}
	}
	return [...new Map(problems.map(problem => [`${problem.path.join('.')} ${problem.message}`, problem])).values()];
}
