import {warn, type Out} from '../args.js';

/** How a follow-up command names the class folder: nothing for the current folder, else ` --dir DIR` (quoted for a shell when needed). */
export function dirOption(dir: string | undefined): string {
	if (dir === undefined) return '';
	return ` --dir ${/^[\w./~-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`}`;
}

/** Print what a class command did (stdout) or why it did nothing (stderr, exit 1). */
export function report(
	name: string,
	outcome:
		| {readonly ok: true; readonly lines: readonly string[]; readonly warnings: readonly string[]}
		| {readonly ok: false; readonly problems: readonly string[]; readonly partly?: string},
	out: Out,
	unchanged = 'Nothing was changed.',
): number {
	if (!outcome.ok) {
		if (outcome.partly) unchanged = outcome.partly;
		const [first, ...more] = outcome.problems;
		if (more.length === 0) warn(`${name}: ${first}\n${unchanged}\n`);
		else warn(`${name}: ${outcome.problems.length} problems. ${unchanged}\n${outcome.problems.map(problem => `  ${problem}`).join('\n')}\n`);
		return 1;
	}
	for (const warning of outcome.warnings) warn(`${name}: warning: ${warning}\n`);
	out(outcome.lines.join('\n'));
	return 0;
}
