import {isNode, LineCounter, parseDocument} from 'yaml';
import type {core} from 'zod/mini';
import {engineArgsProblem} from './engine-policy.js';
import {lessonVarsProblems} from './lesson-vars.js';
import {maxLessonBytes} from './limits.js';
import {lessonSchema, type Lesson, type RegistryKind} from './schema.js';
import {variablesIn, variablesInDeep} from './template.js';
import {stepApplies} from './steps.js';
import type {LoadResult} from './load.js';

// The YAML parser and the lesson schema (zod) live here, apart from load.ts: the bundle loads this module only
// for a lesson text that scripts/build.mjs has not already parsed (see built-in.ts), so the start screen does without.

type Path = readonly (string | number)[];
/** A problem, and the place in the lesson it is about. */
type Problem = {readonly path: Path; readonly message: string};

/** Parse lesson YAML text; every problem is reported as FILE:LINE:COLUMN, with the field and what is wrong. */
export function parseLesson(text: string, file = '<lesson>'): LoadResult {
	if (Buffer.byteLength(text, 'utf8') > maxLessonBytes) {
		return {ok: false, file, errors: [`${file}: the lesson is larger than 1 MB; a lesson file is a page of text.`]};
	}
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, {prettyErrors: true, lineCounter});
	const [broken] = doc.errors;
	if (broken) return {ok: false, file, errors: [`not valid YAML: ${broken.message}`]};
	const at = (path: Path): string => {
		// The field itself, or the nearest field around it that the file has (a missing field is reported at its parent).
		for (let length = path.length; length >= 0; length--) {
			const node = doc.getIn(path.slice(0, length), true);
			const offset = isNode(node) ? node.range?.[0] : undefined;
			if (offset !== undefined) {
				const {line, col} = lineCounter.linePos(offset);
				return `${file}:${line}:${col}`;
			}
		}
		return file;
	};
	const say = (problems: readonly Problem[]): LoadResult => ({
		ok: false,
		file,
		errors: [
			...new Set(problems.map(problem => `${at(problem.path)}: ${problem.path.length > 0 ? problem.path.join('.') : '(top level)'}: ${problem.message}`)),
		],
	});
	const parsed = lessonSchema.safeParse(doc.toJS());
	if (!parsed.success) return say(zodProblems(parsed.error));
	const problems = [...crossCheck(parsed.data), ...lessonVarsProblems(parsed.data), ...secretProblems(parsed.data), ...commandProblems(parsed.data)];
	if (problems.length > 0) return say(problems);
	return {ok: true, lesson: parsed.data, file};
}

function zodProblems(error: core.$ZodError): Problem[] {
	return error.issues.map(issue => ({path: issue.path.filter(part => typeof part !== 'symbol'), message: issue.message}));
}

/** Variables the runtime always provides. */
export const builtInVariables = [
	'registry',
	'registryKind',
	'registryArg',
	'registryPrefix',
	'engine',
	'signupUrl',
	'tokenUrl',
	'practicePassword',
	'username',
	'classmateImage',
	'digest',
	'repositoryUrl',
	'classmate',
] as const;

/** Catch mistakes zod cannot: a step id used twice for one registry kind, a variable nobody sets. */
function crossCheck(lesson: Lesson): Problem[] {
	const errors: Problem[] = [];
	const kinds: RegistryKind[] = ['hub', 'class', 'practice'];
	for (const kind of kinds) {
		const seen = new Set<string>();
		const known = new Set<string>([...builtInVariables, ...Object.keys(lesson.vars)]);
		for (const [index, step] of lesson.steps.entries()) {
			if (!stepApplies(step, kind)) continue;
			if (seen.has(step.id)) errors.push({path: ['steps', index, 'id'], message: `the step id '${step.id}' is used twice for ${kind} registries`});
			seen.add(step.id);
			for (const input of step.inputs) known.add(input.id);
			for (const name of Object.keys(step.derive)) known.add(name);
			for (const name of variablesInDeep(step)) {
				if (!known.has(name)) errors.push({path: ['steps', index], message: `(${step.id}) {${name}} is used before any step sets it`});
			}
		}
	}
	return errors;
}

/** Every string in a value, with its path. */
function strings(value: unknown, path: Path, found: {path: Path; text: string}[] = []): {path: Path; text: string}[] {
	if (typeof value === 'string') found.push({path, text: value});
	else if (Array.isArray(value)) value.forEach((item, index) => strings(item, [...path, index], found));
	else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) strings(item, [...path, key], found);
	return found;
}

/**
 * A secret goes to the engine's standard input and nowhere else: never into its arguments, the screen, a
 * check (whose result is shown) or the progress file. What a value may do is decided by its input's kind.
 */
function secretProblems(lesson: Lesson): Problem[] {
	const problems: Problem[] = [];
	const secrets = new Map<string, Path>();
	for (const [index, step] of lesson.steps.entries()) {
		for (const [position, input] of step.inputs.entries()) {
			if (input.kind !== 'secret') continue;
			const path = ['steps', index, 'inputs', position, 'id'];
			if ((builtInVariables as readonly string[]).includes(input.id)) {
				problems.push({
					path,
					message: `a secret cannot be called '${input.id}': the lab fills in or saves that name. Name it on its own, like 'password'.`,
				});
			}
			secrets.set(input.id, path);
		}
	}
	for (const [index, step] of lesson.steps.entries()) {
		for (const [position, input] of step.inputs.entries()) {
			if (input.kind !== 'secret' && secrets.has(input.id)) {
				problems.push({
					path: ['steps', index, 'inputs', position, 'id'],
					message: `'${input.id}' is a secret in another step; a secret's name is for the secret alone.`,
				});
			}
		}
		for (const name of Object.keys(step.derive)) {
			if (secrets.has(name))
				problems.push({path: ['steps', index, 'derive', name], message: `'${name}' is a secret; nothing may be derived into that name.`});
		}
		for (const {path, text} of strings(step, ['steps', index])) {
			const onStdin = path.length === 4 && path[2] === 'command' && path[3] === 'stdin';
			if (onStdin) continue;
			for (const name of variablesIn(text)) {
				if (secrets.has(name)) {
					problems.push({
						path,
						message:
							`{${name}} is a secret: it may only go to the engine on standard input (command.stdin), ` +
							'never on screen, in a check or in the arguments.',
					});
				}
			}
		}
	}
	return problems;
}

/** Each command keeps to what a lesson may ask of the engine (engine-policy.ts). */
function commandProblems(lesson: Lesson): Problem[] {
	const problems: Problem[] = [];
	for (const [index, step] of lesson.steps.entries()) {
		const args = step.command?.args;
		if (!args) continue;
		const problem = engineArgsProblem(args, position => variablesIn(args[position] ?? '').length > 0);
		if (problem) problems.push({path: ['steps', index, 'command', 'args', problem.index], message: `not allowed: ${problem.reason}`});
	}
	return problems;
}
