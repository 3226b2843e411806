import {builtInLessonsDir, loadLessonFile, parseLesson} from '../../src/lesson/load.js';
import type {Lesson} from '../../src/lesson/schema.js';

/** The shipped registry lesson; a test fails with the loader's own errors if it is broken. */
export async function registryLesson(): Promise<Lesson> {
	const loaded = await loadLessonFile(`${builtInLessonsDir()}/registries.yaml`);
	if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
	return loaded.lesson;
}

/** A lesson written in a test; a test fails with the loader's own errors if it is broken. */
export function lessonFrom(yaml: string): Lesson {
	const result = parseLesson(yaml);
	if (!result.ok) throw new Error(result.errors.join('\n'));
	return result.lesson;
}
