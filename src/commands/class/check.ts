import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import {codesOfWords, createCodeChecker, pullWindow, type CheckedCode} from '../../class/check-codes.js';
import {openClass} from '../../class/class-source.js';

export const checkHelp = `
  Usage
    $ registry-lab class check [--dir DIR] [--json] CODE...

  Confirms students' completion codes (the RL1-… code registry-lab verify
  prints when every step passes) with what the class itself saw, one line
  per claim, ✔ or ✘:
    the student is in accounts.csv, and the code is for this class's
    registry and lesson;
    the registry has the pushed image at the digest in the code (asked as
    the instructor's account), and the event log has that student's push
    of it;
    the pulled image is a classmate's, and the event log has that
    student's pull of it around the time in the code (${pullWindow.beforeMinutes} minutes before
    to ${pullWindow.afterMinutes} after: the time comes from the student's clock).
  A code with a character changed or mistyped (its checksum), a code from
  another class, and a claim the registry or the log does not back are
  refused in a sentence.

  A Docker Hub class (class init --hub) asks Docker Hub for the student's
  tag and its digest; a pull from Docker Hub cannot be seen (Docker Hub
  tells no one), so the pull line rests on the student's own lab's report
  of its pull step, and says so.

  A code pasted with spaces is read whole: a word that starts with RL and
  a digit starts the next code.

  Options
    --dir DIR        the class folder (default: the current folder)
    --json           print {ok, codes: [{code, ok, claim?, lines: [{ok, text}]}]}
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  every claim of every code holds
    1  a claim does not hold, a code is refused, or the class folder cannot be read
    2  bad usage (no code)

  Examples
    $ registry-lab class check --dir period-3 RL1-NRYKS-TMRCC-AZN6C-…
    $ xargs registry-lab class check --dir period-3 --json < codes.txt
`;

export const checkArgs = commandLine({
	name: 'registry-lab class check',
	help: checkHelp,
	flags: {dir: {type: 'string', default: '.'}, json: {type: 'boolean'}},
});

export async function checkCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, checkArgs);
	if (!cli.ok) return cli.exitCode;
	const codes = codesOfWords(cli.input);
	if (codes.length === 0) return usageError(checkArgs.name, 'give the completion codes to check (registry-lab class check CODE...).').exitCode;
	const opened = await openClass(cli.flags.dir);
	if (!opened.ok) {
		warn(`${checkArgs.name}: ${opened.problem}\n`);
		return 1;
	}
	const check = createCodeChecker(opened.value, io.hubBaseUrl ? {hubBaseUrl: io.hubBaseUrl} : {});
	const results: CheckedCode[] = [];
	for (const code of codes) results.push(await check(code));
	const ok = results.every(result => result.ok);
	if (cli.flags.json) io.out(JSON.stringify({ok, codes: results}, null, 2), 'json');
	else io.out(checkedText(results).join('\n'));
	return ok ? 0 : 1;
}

/** Each code with its lines, then the verdict. */
export function checkedText(results: readonly CheckedCode[]): string[] {
	const failed = results.filter(result => !result.ok).length;
	return [
		...results.flatMap((result, index) => [...(index > 0 ? [''] : []), ...codeLines(result)]),
		'',
		failed === 0
			? `Every claim of ${results.length === 1 ? 'the code' : `the ${results.length} codes`} holds.`
			: `${failed} of ${results.length} code${results.length === 1 ? '' : 's'} ${failed === 1 ? 'does' : 'do'} not hold.`,
	];
}

/** One code: a heading (who and which lesson, when it could be read), then ✔ or ✘ and a sentence per claim. */
export function codeLines(result: CheckedCode): string[] {
	const who = result.claim ? ` — ${result.claim.username}, ${result.claim.lesson}` : '';
	return [`${result.code}${who}`, ...result.lines.map(line => `  ${line.ok ? '✔' : '✘'} ${line.text}`)];
}
