/**
 * A Docker Hub class's join code, as a student types it from the slip: its shape is checked here,
 * before it goes anywhere, so a slip of the finger is said at once instead of as a refusal later.
 * A join code is made by `class init --hub` (src/class/class-folder.ts): two groups of four from
 * the password alphabet, with a dash between them (`k7qe-m2xa`). This module is small and pure: it
 * loads with the lab, never the instructor's class code.
 */

/**
 * The letters and digits of a join code: no 0, 1, l or o (too easy to mix up on paper).
 * Equal to htpasswd.ts's passwordAlphabet, which this module does not load (a test holds them together).
 */
export const joinCodeAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

export const joinCodeExample = 'k7qe-m2xa';

/** What the start-up asks, and its help line. */
export const joinCodeLabel = 'Your join code';
export const joinCodeHelp = 'The join code is on the slip from your instructor.';

/**
 * The join code as the listener knows it, or a sentence the student can act on. Spaces around it
 * and capitals are forgiven (a slip read aloud, caps lock), and so is a space or nothing for the dash.
 * The sentence never repeats what was typed: it is a secret, and never on screen.
 */
export function joinCodeOf(typed: string): {readonly ok: true; readonly code: string} | {readonly ok: false; readonly problem: string} {
	const squeezed = typed.trim().toLowerCase();
	if (squeezed === '') return {ok: false, problem: `Type the join code from your slip: two groups of four letters and digits, like ${joinCodeExample}.`};
	const parts = /^([^\s-]{4})[\s-]*([^\s-]{4})$/.exec(squeezed);
	if (!parts || squeezed.length > 12) {
		return {
			ok: false,
			problem: `A join code is two groups of four letters and digits with a dash between them, like ${joinCodeExample}: type it as it is on your slip.`,
		};
	}
	const code = `${parts[1]}-${parts[2]}`;
	for (const character of code.replace('-', '')) {
		if (joinCodeAlphabet.includes(character)) continue;
		if ('01lo'.includes(character)) {
			return {ok: false, problem: 'A join code never has 0, 1, l or o in it (they are too easy to mix up): look at your slip again.'};
		}
		return {ok: false, problem: 'A join code has only lowercase letters and the digits 2 to 9: look at your slip again.'};
	}
	return {ok: true, code};
}
