import type {Check} from './schema.js';

/**
 * The facts each type of check adds to the lesson's variables when it passes. A lesson may use a fact
 * ({digest}) only in a step after one whose check produces it; the loader refuses it earlier.
 */
export const checkFacts: {readonly [T in Check['type']]: readonly string[]} = {
	recorded: [],
	'hub-user-exists': [],
	'logged-in': [],
	'local-image': ['imageId'],
	'same-image': [],
	'valid-reference': [],
	namespace: [],
	manifest: ['digest', 'repositoryUrl'],
	tags: ['tags', 'repositoryUrl'],
	'registry-host': [],
	'classmate-image': ['classmate'],
};
