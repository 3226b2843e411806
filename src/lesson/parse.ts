import {parse, YAMLParseError} from 'yaml';
import type {ZodError} from 'zod';
import {lessonSchema, type Lesson, type RegistryKind, type Step} from './schema.js';
import {stepApplies} from './steps.js';
import type {LoadResult} from './load.js';

// The YAML parser and the lesson schema (zod) live here, apart from load.ts: the bundle loads this module only
// for a lesson text that scripts/build.mjs has not already parsed (see built-in.ts), so the start screen does without.

function zodMessages(error: ZodError): string[] {
	return error.issues.map(issue => {
		const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
		return `${where}: ${issue.message}`;
	});
}

/** Parse lesson YAML text; every problem is reported with where it is. */
export function parseLesson(text: string, file = '<lesson>'): LoadResult {
	let data: unknown;
	try {
		data = parse(text, {prettyErrors: true});
	} catch (error) {
		const message = error instanceof YAMLParseError ? error.message : String(error);
		return {ok: false, file, errors: [`not valid YAML: ${message}`]};
	}
	const parsed = lessonSchema.safeParse(data);
	if (!parsed.success) return {ok: false, file, errors: zodMessages(parsed.error)};
	const errors = crossCheck(parsed.data);
	if (errors.length > 0) return {ok: false, file, errors};
	return {ok: true, lesson: parsed.data, file};
}

const variablePattern = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

/** Variables the runtime always provides. */
export const builtInVariables = [
	'registry', 'registryTitle', 'registryKind', 'registryArg', 'registryPrefix', 'engine',
	'signupUrl', 'tokenUrl', 'loginTip', 'practicePassword', 'username', 'classmateExample',
	'digest', 'repositoryUrl', 'pullTip',
] as const;

/** Catch mistakes zod cannot: a step id used twice for one registry kind, a variable nobody sets. */
function crossCheck(lesson: Lesson): string[] {
	const errors: string[] = [];
	const kinds: RegistryKind[] = ['hub', 'class', 'practice'];
	for (const kind of kinds) {
		const seen = new Set<string>();
		const known = new Set<string>(builtInVariables);
		for (const [index, step] of lesson.steps.entries()) {
			if (!stepApplies(step, kind)) continue;
			if (seen.has(step.id)) errors.push(`steps.${index}: the step id '${step.id}' is used twice for ${kind} registries`);
			seen.add(step.id);
			for (const input of step.inputs) known.add(input.id);
			for (const name of Object.keys(step.derive)) known.add(name);
			for (const name of usedVariables(step)) {
				if (!known.has(name)) errors.push(`steps.${index} (${step.id}): {${name}} is used before any step sets it`);
			}
		}
	}
	return [...new Set(errors)];
}

function usedVariables(step: Step): string[] {
	const names: string[] = [];
	const visit = (value: unknown): void => {
		if (typeof value === 'string') for (const match of value.matchAll(variablePattern)) names.push(match[1]!);
		else if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') Object.values(value).forEach(visit);
	};
	visit(step);
	return names;
}
