import {existsSync} from 'node:fs';
import {readFile, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parsedAtBuild, shippedLessons} from './built-in.js';
import {maxLessonBytes} from './limits.js';
import type {Lesson} from './schema.js';

// parse.ts holds the YAML parser and the lesson schema. This re-export is for callers from source: the bundle
// drops it (scripts/build.mjs, which fails if bundled code uses it), so there parse.ts loads only through the
// import() below, and only for a lesson text the build has not parsed already (built-in.ts).
export {builtInVariables, parseLesson} from './parse.js';

export type LoadResult =
	{readonly ok: true; readonly lesson: Lesson; readonly file: string} | {readonly ok: false; readonly file: string; readonly errors: readonly string[]};

/** Where the lessons that ship with registry-lab are: beside src/ (a checkout) or dist/ (the package). */
export function builtInLessonsDir(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [path.resolve(here, '..', 'lessons'), path.resolve(here, '..', '..', 'lessons')];
	return candidates.find(dir => existsSync(dir)) ?? candidates[0]!;
}

export async function loadLessonFile(file: string): Promise<LoadResult> {
	let text: string;
	try {
		// A lesson is a page of text: a bigger file is refused before it is read (parse.ts says why).
		if ((await stat(file)).size > maxLessonBytes)
			return {ok: false, file, errors: [`${file}: the lesson is larger than 1 MB; a lesson file is a page of text.`]};
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {ok: false, file, errors: [code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`]};
	}
	const lesson = parsedAtBuild(text);
	if (lesson) return {ok: true, lesson, file};
	return (await import('./parse.js')).parseLesson(text, file);
}

/**
 * Every lesson in a folder, sorted by file name; broken ones are returned with their errors. Without a
 * folder: the lessons that ship (in the package, those the build parsed; from source, lessons/).
 */
export async function loadLessons(dir?: string): Promise<LoadResult[]> {
	const shipped = dir === undefined ? shippedLessons() : undefined;
	if (shipped) return shipped.map(entry => ({ok: true, lesson: entry.lesson, file: path.join('lessons', entry.file)}));
	dir ??= builtInLessonsDir();
	let names: string[];
	try {
		names = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name)).sort();
	} catch {
		return [];
	}
	return Promise.all(names.map(name => loadLessonFile(path.join(dir, name))));
}
