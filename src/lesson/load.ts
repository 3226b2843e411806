import {existsSync} from 'node:fs';
import {readFile, readdir} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse, YAMLParseError} from 'yaml';
import type {ZodError} from 'zod';
import {lessonSchema, type Lesson, type RegistryKind, type Step} from './schema.js';
import {stepApplies} from './steps.js';

export type LoadResult =
	| {readonly ok: true; readonly lesson: Lesson; readonly file: string}
	| {readonly ok: false; readonly file: string; readonly errors: readonly string[]};

/** Where the lessons that ship with registry-lab are: beside src/ (a checkout) or dist/ (the package). */
export function builtInLessonsDir(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [path.resolve(here, '..', 'lessons'), path.resolve(here, '..', '..', 'lessons')];
	return candidates.find(dir => existsSync(dir)) ?? candidates[0]!;
}

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

export async function loadLessonFile(file: string): Promise<LoadResult> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {ok: false, file, errors: [code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`]};
	}
	return parseLesson(text, file);
}

/** Every lesson in a folder, sorted by file name; broken ones are returned with their errors. */
export async function loadLessons(dir = builtInLessonsDir()): Promise<LoadResult[]> {
	let names: string[];
	try {
		names = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name)).sort();
	} catch {
		return [];
	}
	return Promise.all(names.map(name => loadLessonFile(path.join(dir, name))));
}
