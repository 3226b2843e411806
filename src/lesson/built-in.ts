import {createHash} from 'node:crypto';
import type {Lesson} from './schema.js';

/** One lesson file as scripts/build.mjs found it: its name in lessons/, the SHA-256 of its text, and the lesson it parses to. */
export type ParsedAtBuild = {readonly file: string; readonly sha256: string; readonly lesson: Lesson};

// Set by scripts/build.mjs (an esbuild define) to the shipped lessons it parsed and checked; absent when
// running from source. With it the start screen neither loads nor runs the YAML parser and the lesson schema
// (twice: the lab command loads the lessons once to choose one and once to find it), which cost it about a
// seventh of its time to the first frame in `npm run bench`. A JSON string rather than an array: esbuild
// inlines a string where it is used, in this module's chunk. A hash rather than the text keeps the package small.
declare const REGISTRY_LAB_PARSED_LESSONS: string | undefined;

/** The key of a lesson text; scripts/build.mjs computes the same. */
export const lessonTextHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The lesson this text parses to, if the build parsed exactly this text (a fresh copy each time, as a
 * parse would give); undefined for any other text (an edited lesson, `--lesson FILE`), which is parsed now.
 */
export function parsedAtBuild(text: string): Lesson | undefined {
	const sha256 = lessonTextHash(text);
	return shippedLessons()?.find(entry => entry.sha256 === sha256)?.lesson;
}

/**
 * The lessons that ship, in the order of their file names, as the build parsed them (a fresh copy each
 * time); undefined when running from source, where they are read from lessons/. The package holds them
 * only here: the YAML files stay in the repository.
 */
export function shippedLessons(): readonly ParsedAtBuild[] | undefined {
	if (typeof REGISTRY_LAB_PARSED_LESSONS === 'undefined') return undefined;
	return JSON.parse(REGISTRY_LAB_PARSED_LESSONS) as ParsedAtBuild[];
}
