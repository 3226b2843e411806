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
			return usernameProblem(trimmed);
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

/** One part of an image name's path, in the distribution grammar docker uses: what a username becomes in HOST/USERNAME/REPOSITORY. */
export const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const allowed = 'lowercase letters, digits and . _ -';

/**
 * A username on a class registry. The registry's own accounts (htpasswd) may have capital letters or
 * other characters, but the lesson pushes under HOST/USERNAME/REPOSITORY, and there the username must
 * be a path component: a name that cannot be one is refused here, with the reason and a name that fits.
 */
export function usernameProblem(name: string): string | null {
	if (pathComponent.test(name)) return null;
	const shown = quoted(name);
	const guess = fitting(name.split('/').filter(Boolean).at(-1)?.split(/[:@]/)[0] ?? '');
	const isIt = guess ? ` — is it '${guess}'?` : '.';
	if (name.includes('@')) return `${shown} looks like an e-mail address: type only your username${isIt}`;
	if (/[/:]/.test(name)) return `${shown} looks like part of a registry address: type only your username${isIt}`;
	return (
		`${shown} cannot be used in image names (HOST/USERNAME/REPOSITORY): ${whyNot(name)}, and they allow only ${allowed}. ` +
		`Type your username exactly as your instructor gave it${isIt} ` +
		`An account really named ${shown} cannot push under its own name: ask your instructor for one in ${allowed}.`
	);
}

/** What in a name keeps it from being a path component (it has none of / : @). */
function whyNot(name: string): string {
	if (/[A-Z]/.test(name) && pathComponent.test(name.toLowerCase())) return 'it has capital letters';
	const blank = /\s/.exec(name);
	if (blank) return blank[0] === ' ' ? 'it has a space' : 'it has a blank character';
	const other = /[^a-zA-Z0-9._-]/.exec(name);
	if (other) return `it has '${other[0]}'`;
	if (/[A-Z]/.test(name)) return 'it has capital letters';
	return "a '.', '_' or '-' cannot start or end it, and between letters only one '.', one or two '_' or any number of '-' may stand";
}

/** The name made to fit the grammar (lowercase, accents dropped, other characters as '-'), or '' when nothing is left. */
export function fitting(text: string): string {
	const plain = text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9._-]+/g, '-');
	const joined = plain.replace(/[._-]{2,}/g, run => (run === '__' || /^-+$/.test(run) ? run : '-'));
	const fitted = joined.replace(/^[._-]+|[._-]+$/g, '');
	return pathComponent.test(fitted) ? fitted : '';
}

function quoted(text: string): string {
	return text.length > 40 ? `'${text.slice(0, 40)}…'` : `'${text}'`;
}
