import {loadLessonFile, loadLessons, type LoadResult} from './load.js';

/** What `--lesson ID|FILE` names: a file (it has a slash or ends in .yaml), else a bundled lesson's id. */
export type Found = LoadResult & {
	/** The bundled lessons' ids, to say what there is when the id is unknown. */
	readonly known: readonly string[];
	/** Named by its file rather than its id. */
	readonly byFile: boolean;
};

/** A lesson by id, or from a file; a broken or unknown one comes back with the reasons. */
export async function findLesson(idOrFile: string): Promise<Found> {
	if (/[/\\]|\.ya?ml$/.test(idOrFile)) return {...(await loadLessonFile(idOrFile)), known: [], byFile: true};
	const all = await loadLessons();
	const known = all.flatMap(result => (result.ok ? [result.lesson.id] : []));
	const found = all.find(result => result.ok && result.lesson.id === idOrFile);
	if (found) return {...found, known, byFile: false};
	return {
		ok: false,
		file: idOrFile,
		known,
		byFile: false,
		errors: [
			idOrFile === ''
				? 'no lesson that ships with registry-lab can be used'
				: `there is no lesson '${idOrFile}' (there is: ${known.join(', ') || 'none'})`,
		],
	};
}

/**
 * The lesson run when none is named: the first bundled lesson that loads, in the order of the lessons
 * folder (by file name). undefined: none loads.
 */
export async function defaultLessonId(dir?: string): Promise<string | undefined> {
	return (await loadLessons(dir)).find(result => result.ok)?.lesson.id;
}

/** Why a lesson cannot be used, in one line. */
export function lessonProblem(found: Found & {readonly ok: false}): string {
	return found.byFile ? `the lesson ${found.file} cannot be used: ${found.errors.join('; ')}` : found.errors.join('; ');
}
