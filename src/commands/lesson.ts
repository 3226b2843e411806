import {closest, commandLine, parseCommandLine, say, usageError, type Out} from './args.js';
import {loadLessonFile} from '../lesson/load.js';

export const lessonHelp = `
  Usage
    $ registry-lab lesson COMMAND [options]

  For lesson writers: check a lesson file before students run it.

  Commands
    lint FILE…              check lesson files: every problem as FILE:LINE:COLUMN, what is
                            wrong and what to write instead
    Run registry-lab lesson COMMAND --help for a command's own options.

  Examples
    $ registry-lab lesson lint lessons/my-lesson.yaml
`;

export const lintArgs = commandLine({
	name: 'registry-lab lesson lint',
	help: `
  Usage
    $ registry-lab lesson lint FILE… [--json]

  Checks each lesson file as the lab loads it (running it reports the same):
  the YAML, every field (an unknown one names the closest known field), the check
  types, {placeholders} (never defined, or used before the step that sets them: a
  check's fact like {digest} is known from the step after that check), the
  commands (only what a lesson may ask of the engine), secrets (on standard input
  only), step ids used twice and empty text. See docs/writing-lessons.md.

  Prints every problem as FILE:LINE:COLUMN: FIELD: what is wrong, and
  FILE: ok, N steps for a clean file.

  Options
    --json                one JSON document: {ok, files: [{file, ok, steps?,
                          problems: [{line?, column?, message}]}]}
    -h, --help            show this help
    -v, --version         show the version

  Exit codes
    0  every file is a good lesson
    1  a file has problems, or cannot be read
    2  bad usage (no FILE, an unknown option)

  Examples
    $ registry-lab lesson lint lessons/*.yaml
`,
	flags: {json: {type: 'boolean'}},
});

type Subcommand = (argv: readonly string[], out: Out) => Promise<number>;
const commands: Record<string, Subcommand> = {lint: lintCommand};

export async function lessonCommand(argv: readonly string[], out: Out): Promise<number> {
	const [word, ...rest] = argv;
	if (word === undefined || word === '-h' || word === '--help' || word === 'help') {
		say(`${lessonHelp.replace(/^\n/, '')}\n`);
		return word === undefined ? 2 : 0;
	}
	const run = Object.hasOwn(commands, word) ? commands[word] : undefined;
	if (!run) {
		const near = closest(word, Object.keys(commands));
		return usageError('registry-lab lesson', `there is no lesson command '${word}'${near ? ` (did you mean lesson ${near}?)` : ''}.`).exitCode;
	}
	return run(rest, out);
}

/** One problem of a file: its place when it has one (a file that cannot be read has none). */
export type LintProblem = {readonly line?: number; readonly column?: number; readonly message: string};
export type LintFile = {readonly file: string; readonly ok: boolean; readonly steps?: number; readonly problems: readonly LintProblem[]};

/** Lint one lesson file with the loader's own code: the same problems, in the same words, as `--lesson FILE`. */
export async function lintFile(file: string): Promise<LintFile> {
	const result = await loadLessonFile(file);
	if (result.ok) return {file, ok: true, steps: result.lesson.steps.length, problems: []};
	const prefix = `${file}:`;
	const problems = result.errors.map((error): LintProblem => {
		if (!error.startsWith(prefix)) return {message: error};
		const rest = error.slice(prefix.length);
		const placed = /^(\d+):(\d+): ([\s\S]*)$/.exec(rest);
		if (placed) return {line: Number(placed[1]), column: Number(placed[2]), message: placed[3]!};
		return {message: rest.replace(/^ /, '')};
	});
	return {file, ok: false, problems};
}

/** The line a person reads: FILE:LINE:COLUMN: message, or FILE: message for a problem of the whole file. */
export const lintLine = (file: string, problem: LintProblem): string =>
	problem.line === undefined ? `${file}: ${problem.message}` : `${file}:${problem.line}:${problem.column ?? 1}: ${problem.message}`;

async function lintCommand(argv: readonly string[], out: Out): Promise<number> {
	const cli = parseCommandLine(argv, lintArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length === 0) return usageError(lintArgs.name, 'name at least one lesson file: registry-lab lesson lint FILE…').exitCode;
	const files: LintFile[] = [];
	for (const file of cli.input) files.push(await lintFile(file));
	const ok = files.every(file => file.ok);
	if (cli.flags.json) {
		out(JSON.stringify({ok, files}, null, 2), 'json');
		return ok ? 0 : 1;
	}
	const lines = files.flatMap(file =>
		file.ok ? [`${file.file}: ok, ${file.steps} step${file.steps === 1 ? '' : 's'}`] : file.problems.map(problem => lintLine(file.file, problem)),
	);
	out(lines.join('\n'));
	return ok ? 0 : 1;
}
