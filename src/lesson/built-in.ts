import type {Lesson} from './schema.js';

/** One lesson file as scripts/build.mjs found it: its exact text, and the lesson it parses to (as JSON). */
export type ParsedAtBuild = {readonly text: string; readonly lesson: string};

// Set by scripts/build.mjs (an esbuild define) to the shipped lessons it parsed and checked; absent when
// running from source. With it the start screen neither loads nor runs the YAML parser and the lesson schema
// (twice: the lab command loads the lessons once to choose one and once to find it), which cost it about a
// seventh of its time to the first frame in `npm run bench`.
// A JSON string rather than an array: esbuild inlines a string where it is used, in this module's chunk.
declare const REGISTRY_LAB_PARSED_LESSONS: string | undefined;

/**
 * The lesson this text parses to, if the build parsed exactly this text (a fresh copy each time, as a
 * parse would give); undefined for any other text (an edited lesson, `--lesson FILE`), which is parsed now.
 */
export function parsedAtBuild(text: string): Lesson | undefined {
	if (typeof REGISTRY_LAB_PARSED_LESSONS === 'undefined') return undefined;
	const found = (JSON.parse(REGISTRY_LAB_PARSED_LESSONS) as ParsedAtBuild[]).find(entry => entry.text === text);
	return found ? (JSON.parse(found.lesson) as Lesson) : undefined;
}
