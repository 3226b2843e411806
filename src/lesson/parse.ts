import type {core} from 'zod/mini';
import {checkFacts} from './check-facts.js';
import {engineArgsProblem} from './engine-policy.js';
import {labFacts, lessonVarsProblems} from './lesson-vars.js';
import {maxLessonBytes} from './limits.js';
import {lessonSchema, type Lesson, type RegistryKind} from './schema.js';
import {variablesIn} from './template.js';
import {stepApplies} from './steps.js';
import {parseYaml, type YamlPlaces} from './yaml-values.js';
import type {LoadResult} from './load.js';

// The YAML reader and the lesson schema (zod) live here, apart from load.ts: the bundle loads this module only
// for a lesson text that scripts/build.mjs has not already parsed (see built-in.ts), so the start screen does without.
// `registry-lab lesson lint` (src/commands/lesson.ts) reports what this finds, line for line.

type Path = readonly (string | number)[];
/** A problem, and the place in the lesson it is about (`key`: at the key of that map entry rather than its value). */
type Problem = {readonly path: Path; readonly message: string; readonly key?: boolean; readonly index?: number};

/** Parse lesson YAML text; every problem is reported as FILE:LINE:COLUMN, with the field and what is wrong. */
export function parseLesson(text: string, file = '<lesson>'): LoadResult {
	if (Buffer.byteLength(text, 'utf8') > maxLessonBytes) {
		return {ok: false, file, errors: [`${file}: the lesson is larger than 1 MB; a lesson file is a page of text.`]};
	}
	const yaml = parseYaml(text);
	const place = (offset: number): string => {
		const {line, col} = yaml.places.linePos(offset);
		return `${file}:${line}:${col}`;
	};
	if (!yaml.ok) return {ok: false, file, errors: [`${place(yaml.offset)}: ${yaml.message}`]};
	const at = (problem: Problem): string => {
		// The field itself, or the nearest field around it that the file has (a missing field is reported at its parent).
		const own = problem.key ? yaml.places.keyAt(problem.path) : problem.index !== undefined ? yaml.places.textAt(problem.path, problem.index) : undefined;
		if (own !== undefined) return place(own);
		for (let length = problem.path.length; length >= 0; length--) {
			const offset = yaml.places.valueAt(problem.path.slice(0, length));
			if (offset !== undefined) return place(offset);
		}
		return file;
	};
	const say = (problems: readonly Problem[]): LoadResult => ({
		ok: false,
		file,
		errors: [
			...new Set(problems.map(problem => `${at(problem)}: ${problem.path.length > 0 ? problem.path.join('.') : '(top level)'}: ${problem.message}`)),
		],
	});
	const parsed = lessonSchema.safeParse(yaml.value);
	if (!parsed.success) return say(sortedByPlace(zodProblems(parsed.error, yaml.value), yaml.places));
	const problems = [
		...crossCheck(parsed.data),
		...lessonVarsProblems(parsed.data),
		...textProblems(parsed.data),
		...secretProblems(parsed.data),
		...commandProblems(parsed.data),
	];
	if (problems.length > 0) return say(sortedByPlace(problems, yaml.places));
	return {ok: true, lesson: parsed.data, file};
}

/** Problems in the order of the file, so a list of them reads top to bottom. */
function sortedByPlace(problems: readonly Problem[], places: YamlPlaces): Problem[] {
	const offset = (problem: Problem): number => {
		const own = problem.index !== undefined ? places.textAt(problem.path, problem.index) : undefined;
		if (own !== undefined) return own;
		for (let length = problem.path.length; length >= 0; length--) {
			const found = (problem.key ? places.keyAt(problem.path.slice(0, length)) : undefined) ?? places.valueAt(problem.path.slice(0, length));
			if (found !== undefined) return found;
		}
		return 0;
	};
	return problems
		.map((problem, index) => ({problem, index, offset: offset(problem)}))
		.sort((a, b) => a.offset - b.offset || a.index - b.index)
		.map(entry => entry.problem);
}

type ZodDef = {
	readonly type: string;
	readonly shape?: Record<string, {_zod: {def: ZodDef}}>;
	readonly element?: {_zod: {def: ZodDef}};
	readonly innerType?: {_zod: {def: ZodDef}};
	readonly valueType?: {_zod: {def: ZodDef}};
	readonly options?: readonly {_zod: {def: ZodDef}}[];
	readonly discriminator?: string;
	readonly values?: readonly unknown[];
};

/** The part of the lesson schema that describes the value at `path` (the check type chosen by the value's own type). */
function schemaAt(path: Path, value: unknown): ZodDef | undefined {
	let def: ZodDef | undefined = (lessonSchema as unknown as {_zod: {def: ZodDef}})._zod.def;
	let here = value;
	const unwrap = (): void => {
		while (def && (def.type === 'optional' || def.type === 'default') && def.innerType) def = def.innerType._zod.def;
		if (def?.type === 'union' && def.discriminator) {
			const wanted = (here as Record<string, unknown> | undefined)?.[def.discriminator];
			def = def.options?.find(option => option._zod.def.shape?.[def!.discriminator!]?._zod.def.values?.includes(wanted))?._zod.def;
		}
	};
	unwrap();
	for (const part of path) {
		if (!def) return undefined;
		if (def.type === 'object') def = def.shape?.[String(part)]?._zod.def;
		else if (def.type === 'array') def = def.element?._zod.def;
		else if (def.type === 'record') def = def.valueType?._zod.def;
		else return undefined;
		here = here && typeof here === 'object' ? (here as Record<string | number, unknown>)[part] : undefined;
		unwrap();
	}
	return def;
}

/** Edit distance (Levenshtein), for "did you mean". */
export function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		previous = row;
	}
	return previous[b.length]!;
}

/** `known`, closest to `word` first (ties keep their order). */
export function closestFirst(word: string, known: readonly string[]): string[] {
	return known
		.map((name, index) => ({name, index, distance: editDistance(word.toLowerCase(), name.toLowerCase())}))
		.sort((a, b) => a.distance - b.distance || a.index - b.index)
		.map(entry => entry.name);
}

/** "did you mean 'x'?" when a known word is close enough to be the one meant. */
function didYouMean(word: string, known: readonly string[]): string {
	const [best] = closestFirst(word, known);
	return best !== undefined && editDistance(word.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3))
		? ` Did you mean '${best}'?`
		: '';
}

function valueAt(value: unknown, path: Path): unknown {
	let here = value;
	for (const part of path) here = here && typeof here === 'object' ? (here as Record<string | number, unknown>)[part] : undefined;
	return here;
}

function zodProblems(error: core.$ZodError, value: unknown): Problem[] {
	return error.issues.flatMap((issue): Problem[] => {
		const path = issue.path.filter(part => typeof part !== 'symbol');
		if (issue.code === 'unrecognized_keys') {
			const fields = Object.keys(schemaAt(path, value)?.shape ?? {});
			return issue.keys.map(name => ({
				path: [...path, name],
				key: true,
				message: `unknown field '${name}'.${didYouMean(name, fields)} The fields here: ${fields.join(', ')}.`,
			}));
		}
		if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
			const options = (issue as {options?: unknown[]}).options?.map(String) ?? [];
			const given = valueAt(value, path);
			if (given === undefined) return [{path, message: `the field '${issue.discriminator}' is missing: one of ${options.join(', ')}.`}];
			const word = typeof given === 'string' ? given : JSON.stringify(given);
			const closest = closestFirst(word, options).join(', ');
			return [{path, message: `unknown check type '${word}'.${didYouMean(word, options)} The check types, closest first: ${closest}.`}];
		}
		if (issue.code === 'invalid_type' && valueAt(value, path) === undefined) {
			const expected = issue.expected === 'array' ? 'a list' : `a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`;
			return [{path, message: `the field '${String(path.at(-1))}' is missing (${expected}).`}];
		}
		return [{path, message: issue.message}];
	});
}

/** Variables the runtime always provides: the lab's facts (a check's facts are not among them: see check-facts.ts). */
export const builtInVariables = labFacts;

/** Every fact some check produces, and the check types that produce it. */
const factSources = new Map<string, string[]>();
for (const [type, facts] of Object.entries(checkFacts)) for (const fact of facts) factSources.set(fact, [...(factSources.get(fact) ?? []), type]);

/**
 * Catch mistakes zod cannot: a step id used twice for one registry kind, a {variable} used before anything sets it
 * (a check's fact, like {digest}, is set from the step after the one whose check produces it), or never set at all.
 */
function crossCheck(lesson: Lesson): Problem[] {
	const errors: Problem[] = [];
	const defined = new Set<string>([...builtInVariables, ...factSources.keys()]);
	for (const step of lesson.steps) {
		for (const input of step.inputs) defined.add(input.id);
		for (const name of Object.keys(step.derive)) defined.add(name);
	}
	const twice = new Map<number, RegistryKind[]>();
	for (const kind of registryKindsInOrder) {
		const seen = new Set<string>();
		const known = new Set<string>([...builtInVariables, ...Object.keys(lesson.vars)]);
		for (const [index, step] of lesson.steps.entries()) {
			if (!stepApplies(step, kind)) continue;
			if (seen.has(step.id)) twice.set(index, [...(twice.get(index) ?? []), kind]);
			seen.add(step.id);
			for (const input of step.inputs) known.add(input.id);
			// Derived variables are made in order, each from what is known before it.
			const derivedBefore = new Map<string, number>(Object.keys(step.derive).map((name, position) => [name, position]));
			for (const {path, text} of strings(step, ['steps', index])) {
				for (const name of variablesIn(text)) {
					if (known.has(name)) continue;
					const derived = derivedBefore.get(name);
					if (derived !== undefined && (path[2] !== 'derive' || Object.keys(step.derive).indexOf(String(path[3])) > derived)) continue;
					errors.push({path, index: text.indexOf(`{${name}}`), message: undefinedMessage(name, defined, lesson, index)});
				}
			}
			for (const name of Object.keys(step.derive)) known.add(name);
			if (step.check) for (const fact of checkFacts[step.check.type]) known.add(fact);
		}
	}
	for (const [index, kinds] of twice) {
		const id = lesson.steps[index]!.id;
		const which = kinds.length === registryKindsInOrder.length ? 'every kind of registry' : `${kinds.join(' and ')} registries`;
		errors.push({
			path: ['steps', index, 'id'],
			message:
				`the step id '${id}' is used twice for ${which}: ` +
				'give this step an id of its own, or give the two steps different registries (registries: [hub]).',
		});
	}
	return errors;
}

const registryKindsInOrder: readonly RegistryKind[] = ['hub', 'class', 'practice'];

function undefinedMessage(name: string, defined: ReadonlySet<string>, lesson: Lesson, index: number): string {
	const sources = factSources.get(name);
	if (sources) {
		const own = lesson.steps[index]?.check && sources.includes(lesson.steps[index].check.type);
		return (
			`{${name}} is a fact of the ${sources.map(type => `'${type}'`).join(' or ')} check, known only in the steps after one whose check is ` +
			`of that type${own ? " (this step's own check finds it when it passes: use it from the next step on)" : '; no step before this one has one'}.`
		);
	}
	if (!defined.has(name)) {
		return (
			`{${name}} is not a variable: not built in, nor an input, a derived variable or a check's fact.` +
			`${didYouMean(name, [...defined])} Built in: ${builtInVariables.join(', ')}.`
		);
	}
	return `{${name}} is used before any step sets it: an input or a derived variable of a later step is known only from that step on.`;
}

/** A step with no words: its title and body are what the student reads. */
function textProblems(lesson: Lesson): Problem[] {
	const problems: Problem[] = [];
	for (const [index, step] of lesson.steps.entries()) {
		for (const field of ['title', 'body'] as const) {
			if (step[field].trim() === '')
				problems.push({path: ['steps', index, field], message: `the step's ${field} is empty: write what the student reads here.`});
		}
	}
	return problems;
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
			const taken = [...builtInVariables, ...factSources.keys()];
			if (taken.includes(input.id)) {
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
						index: text.indexOf(`{${name}}`),
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
