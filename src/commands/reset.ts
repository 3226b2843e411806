import {createInterface} from 'node:readline/promises';
import {terminalSafe} from '../text/terminal-safe.js';
import {commandLine, parseCommandLine, usageError, warn, type CommandIo} from './args.js';
import {findLesson, lessonProblem} from '../lesson/find.js';
import {openProgressStore, storeProblem, type LessonProgress, type ProgressStore} from '../progress/store.js';
import {registryOfKind} from '../registry/address.js';

export const resetHelp = `
  Usage
    $ registry-lab reset [LESSON] [--yes]

  Clears the saved progress of one lesson (or of every lesson when none is
  named), so the next registry-lab starts from the first step. It asks
  first; nothing on your computer or in the registry is touched: your login,
  images and pushes stay where they are.

  Options
    --yes            clear without asking (needed when there is no terminal to ask in)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  cleared, or nothing was saved for the lesson
    1  you answered no, or the progress file cannot be used (nothing is cleared)
    2  bad usage, no such lesson, or no terminal to ask in and no --yes

  Examples
    $ registry-lab reset
    $ registry-lab reset LESSON --yes
`;

export const resetArgs = commandLine({name: 'registry-lab reset', help: resetHelp, flags: {yes: {type: 'boolean'}}});

export type ResetIo = CommandIo;

export async function resetCommand(argv: readonly string[], io: ResetIo): Promise<number> {
	const cli = parseCommandLine(argv, resetArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 1) return usageError('registry-lab reset', 'name at most one lesson.').exitCode;
	let store: ProgressStore;
	try {
		store = openProgressStore();
	} catch (error) {
		return storeFailed(error);
	}
	if (store.notice) warn(`registry-lab: ${store.notice}\n`);
	const all = store.all();
	let lessonId = cli.input[0];
	// A name with saved progress is cleared even when its lesson file is gone; any other name must be a lesson.
	if (lessonId !== undefined && !Object.hasOwn(all, lessonId)) {
		const found = await findLesson(lessonId);
		if (!found.ok) {
			warn(`registry-lab reset: ${lessonProblem(found)}\n`);
			return 2;
		}
		lessonId = found.lesson.id;
	}
	const saved = (lessonId === undefined ? Object.keys(all) : [lessonId]).flatMap(id => store.runs(id).map(run => [id, run] as const));
	if (saved.length === 0) {
		io.out(lessonId === undefined ? 'No saved progress: nothing to clear.' : `No saved progress for lesson ${lessonId}: nothing to clear.`);
		return 0;
	}

	const what = lessonId === undefined ? `every lesson (${Object.keys(store.all()).join(', ')})` : `lesson ${lessonId}`;
	if (!cli.flags.yes) {
		if (!io.input.isTTY || !io.output.isTTY) {
			warn(`registry-lab reset: there is no terminal to ask in; pass --yes to clear the saved progress of ${what}.\n`);
			return 2;
		}
		const asker = createInterface({input: io.input, output: io.output});
		const answer = await asker.question(terminalSafe(`Clear saved progress for ${what}? [y/N] `)).finally(() => asker.close());
		if (!/^\s*y(es)?\s*$/i.test(answer)) {
			io.out('Nothing was cleared.');
			return 1;
		}
	}

	try {
		store.clear(lessonId);
	} catch (error) {
		return storeFailed(error);
	}
	io.out(
		[
			...saved.map(([id, progress]) => `Cleared saved progress for lesson ${id}: ${describe(progress)}.`),
			`${saved.length} saved run${saved.length === 1 ? '' : 's'} cleared.`,
		].join('\n'),
	);
	return 0;
}

/** Nothing was cleared: exit 1, as when the student answers no. */
function storeFailed(error: unknown): number {
	warn(`registry-lab reset: ${storeProblem(error).message} Nothing was cleared.\n`);
	return 1;
}

function describe(progress: LessonProgress): string {
	const where = registryOfKind(progress.registryKind, progress.registry);
	const done = `${progress.completed.length} step${progress.completed.length === 1 ? '' : 's'} done`;
	const as = progress.vars.username ? ` as ${progress.vars.username}` : '';
	return `${where}${as}, ${done}, ${progress.finished ? 'finished' : `stopped at '${progress.stepId}'`}`;
}
