import type {Validator} from '../lesson/schema.js';
import {hubUsernameInputProblem} from '../registry/hub-username.js';
import {parseReference, validateRepositoryName, validateTag} from './reference.js';

/** Check what a student typed into a lesson input; null when it is fine, else the reason in plain words. */
export function validateInput(validator: Validator | undefined, value: string): string | null {
	const trimmed = value.trim();
	if (validator === undefined) return null;
	if (trimmed.length === 0) return 'Please type something first.';
	switch (validator) {
		case 'nonempty':
			return null;
		case 'hub-username':
			return hubUsernameInputProblem(trimmed);
		case 'username':
			if (/\s/.test(trimmed)) return 'A username cannot contain spaces.';
			if (/[/:@]/.test(trimmed)) return 'A username cannot contain /, : or @ — type only the name.';
			return null;
		case 'repository-name': {
			const verdict = validateRepositoryName(trimmed);
			return verdict.ok ? null : verdict.reason;
		}
		case 'tag': {
			const verdict = validateTag(trimmed);
			return verdict.ok ? null : verdict.reason;
		}
		case 'reference': {
			const verdict = parseReference(trimmed);
			return verdict.valid ? null : verdict.reason;
		}
	}
}
