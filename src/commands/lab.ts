import {closest, commandLine, parseCommandLine, usageError as usageErrorOf, warn} from './args.js';
import {createInterface} from 'node:readline/promises';
import {defaultEngine, type Engine, type EngineName} from '../container/engine.js';
import {readMade, recordMade, type Made} from '../progress/made-by-lab.js';
import {loginStorage} from '../text/login-storage.js';
import {terminalSafe} from '../text/terminal-safe.js';
import type {ClassInfo} from '../class/class-types.js';
import type {LabObserver} from '../driver/run-lab.js';
import {findLesson, type Found} from '../lesson/find.js';
import {loadLessons} from '../lesson/load.js';
import type {RunState} from '../lesson-run/lesson-run.js';
import {chooseMode, stdinReadable} from '../plain/mode.js';
import {progressOfRun} from '../driver/save-progress.js';
import {openProgressStore, runKey, storeProblem, type LessonProgress, type ProgressStore} from '../progress/store.js';
import {enableLeanHeap} from '../run/lean-heap.js';
import {savedRuns} from '../driver/saved-run.js';
import {lessonEntries} from '../driver/lesson-entries.js';
import type {RegistryChoice} from '../driver/lab-vars.js';
import {hostProblem} from '../registry/address.js';
import type {Ending, MadeHere} from '../text/summary.js';

export const labHelp = `
  Usage
    $ registry-lab [options]          start the interactive lesson
    $ registry-lab --plain [options]  the same lesson, line by line (screen readers, scripts)
    $ registry-lab explain REF        show the parts of an image name
    $ registry-lab diagnose           explain a docker or podman error message
    $ registry-lab doctor             check this computer for the lesson
    $ registry-lab verify             check again every step you have done (--json)
    $ registry-lab reset [LESSON]     clear saved progress (--yes: without asking)
    $ registry-lab cleanup            remove the tags, pulled images and logins the lab made (--dry-run)
    $ registry-lab class COMMAND      for instructors: accounts, a class registry, a live view
    $ registry-lab lesson lint FILE…  check a lesson file you wrote (FILE:LINE:COLUMN problems)
    Run registry-lab COMMAND --help for a command's own options.

  Where to push (the start screen asks when none is given)
    --hub                 Docker Hub, with your own Docker account
    --registry HOST[:PORT]
                          a class registry from your instructor
    --practice            a practice registry started on this computer (no account needed)
    --class HOST:PORT     your class, from the slip your instructor gave you: its registry
                          and lesson, and your steps' results shared with the instructor

  Options
    --lesson ID|FILE      the lesson to run (default: the first lesson; with several
                          lessons the start screen lists them with their marks)
    --engine docker|podman
                          the container engine to drive (default: docker)
    --plain               plain mode: no redraws, no colours, questions as plain prompts
                          (also chosen when stdin or stdout is not a terminal,
                          NO_COLOR is set, or TERM=dumb)
    -h, --help            show this help
    -v, --version         show the version

  Exit codes
    0  the lesson was finished, or the command succeeded
    1  the lesson was left before the end
    2  bad usage (an unknown option or command, a bad value), or no terminal
       and nothing on standard input to read answers from
    129, 130, 143
       ended by SIGHUP, SIGINT or SIGTERM, after stopping what it started

  Examples
    $ registry-lab --practice
    $ registry-lab --registry registry.school.example:5000
    $ registry-lab --class 192.168.1.20:5001
    $ registry-lab --plain --practice
`;

/** The subcommands, as src/cli.ts dispatches them. */
export const commands = ['explain', 'diagnose', 'doctor', 'verify', 'reset', 'cleanup', 'lesson'] as const;

export const labArgs = commandLine({
	name: 'registry-lab',
	help: labHelp,
	flags: {
		hub: {type: 'boolean'},
		registry: {type: 'string'},
		practice: {type: 'boolean'},
		class: {type: 'string'},
		lesson: {type: 'string'},
		engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']},
		plain: {type: 'boolean'},
	},
});

export async function labCommand(argv: readonly string[]): Promise<number> {
	const cli = parseCommandLine(argv, labArgs);
	if (!cli.ok) return cli.exitCode;
	const {flags} = cli;
	if (cli.input.length > 0) return usageError(unknownCommand(cli.input[0]!));
	const chosen = [flags.hub, flags.registry !== undefined, flags.practice, flags.class !== undefined].filter(Boolean).length;
	if (chosen > 1) return usageError('choose one of --hub, --registry, --practice and --class, not several.');
	let choice: RegistryChoice | undefined;
	if (flags.class !== undefined) {
		const problem = hostProblem(flags.class) ?? (/:\d+$/.test(flags.class) ? null : 'add the port, as on your slip (HOST:PORT).');
		if (problem) return usageError(`--class: ${problem}`);
		if (flags.lesson !== undefined) return usageError('--class runs the class’s own lesson: leave out --lesson.');
	} else if (flags.registry !== undefined) {
		const problem = hostProblem(flags.registry);
		if (problem) return usageError(`--registry: ${problem}`);
		choice = {kind: 'class', host: flags.registry};
	} else if (flags.hub) choice = {kind: 'hub'};
	else if (flags.practice) choice = {kind: 'practice'};

	// A lesson named on the command line is checked before anything else.
	const named = flags.lesson === undefined ? undefined : await findLesson(flags.lesson);
	if (named && !named.ok) return lessonError(named);
	let lesson: Usable | undefined = named;

	const mode = chooseMode({
		plain: flags.plain,
		stdinTty: Boolean(process.stdin.isTTY),
		stdoutTty: Boolean(process.stdout.isTTY),
		stdinReadable: stdinReadable(),
		env: process.env,
	});
	if (mode.kind === 'no-terminal') {
		warn(
			'registry-lab is interactive and needs a terminal, or answers on standard input: run it in a terminal window.\n' +
				'Line by line, for a screen reader or a script: `registry-lab --plain` (answers are read from standard input).\n' +
				'Without a screen: `registry-lab verify` checks saved progress (add --json for a machine), and `registry-lab doctor` checks this computer.\n',
		);
		return 2;
	}

	// A class says where it pushes and what lesson it runs; its code loads only here.
	let joined: Joined | undefined;
	if (flags.class !== undefined) {
		joined = await joinClass(flags.class);
		if (!joined) return 1;
		choice = joined.choice;
		lesson = joined.lesson;
	}

	// A lesson keeps this process alive for minutes: keep its memory small (`npm run bench`, peak RSS).
	enableLeanHeap();
	const engine = defaultEngine(flags.engine as EngineName);
	const store = openStoreForLesson();
	const reports = joined ? await classObserver(joined, store) : undefined;
	const saveProgress = progressSaver(store, reports?.saved);
	// Whether anything of this run reached the progress file: the last words say where, or that nothing was saved.
	let savedOnce = false;
	const save = (state: RunState): string | void => {
		const problem = saveProgress(state);
		if (store && !problem) savedOnce = true;
		return problem;
	};
	const made = madeRecorder();
	const ending: Ending = {progressFile: () => (savedOnce ? store?.path : undefined), resumeWith: resumeCommand(flags), made: made.here};
	if (!lesson) {
		const id = await chooseLesson(mode.kind === 'interactive', store?.all() ?? {});
		if (id === null) return 1;
		const found = await findLesson(id);
		if (!found.ok) return lessonError(found);
		lesson = found;
	}
	const runs = savedRuns(lesson.lesson, store?.runs(lesson.lesson.id) ?? []);
	if (mode.kind === 'plain') {
		const {runPlain} = await import('../plain/run-plain.js');
		const outcome = await runPlain({
			lesson: lesson.lesson,
			engine,
			...(choice ? {choice} : {}),
			runs,
			reason: mode.why,
			input: process.stdin,
			output: process.stdout,
			onProgress: save,
			recordMade: made.record,
			ending,
			...(reports ? {observer: reports.observer} : {}),
			...(reports?.joinCode ? {joinCode: reports.joinCode} : {}),
		});
		if (outcome.finished) await offerCleanup(engine);
		return outcome.finished ? 0 : 1;
	}
	// Ink and React load only here: `explain`, plain mode and friends start as fast as node itself.
	const {renderApp} = await loadScreen(() => import('../ui/render-app.js'));
	const outcome = await renderApp(
		{
			lesson: lesson.lesson,
			engine,
			choice,
			onProgress: save,
			recordMade: made.record,
			runs,
			...(reports ? {observer: reports.observer} : {}),
			...(reports?.joinCode ? {joinCode: reports.joinCode} : {}),
		},
		{ending},
	);
	if (outcome.finished) await offerCleanup(engine);
	return outcome.finished ? 0 : 1;
}

/**
 * What this run makes on this computer goes into the record `registry-lab cleanup` reads
 * (src/progress/made-by-lab.ts); the last words say where its login is kept. A record that cannot
 * be written costs only the clean-up, never the lesson.
 */
function madeRecorder(): {record: (thing: Made) => void; here: () => MadeHere | undefined} {
	let here: MadeHere | undefined;
	return {
		record(thing) {
			recordMade(thing);
			const {store, configPath} = thing.kind === 'login' ? thing : {};
			here = {...here, ...(store && configPath ? {loginStorage: loginStorage(store, configPath)} : {})};
		},
		here: () => here,
	};
}

/**
 * At the end of a finished lesson, on a terminal, the same clean-up as `registry-lab cleanup`,
 * offered once; only when the lab recorded something for this engine.
 */
async function offerCleanup(engine: Engine): Promise<void> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) return;
	const record = readMade();
	if (record.kind !== 'ok' || !record.made.some(thing => thing.engine === engine.name)) return;
	const login = record.made.some(thing => thing.kind === 'login' && thing.engine === engine.name);
	const asker = createInterface({input: process.stdin, output: process.stdout});
	const what = login ? 'tags, pulled images, your login' : 'tags, pulled images';
	const answer = await asker.question(`\nRemove what this lesson made on this computer (${what})? [y/N] `).finally(() => asker.close());
	if (!/^\s*y(es)?\s*$/i.test(answer)) return;
	const {runCleanup} = await import('./cleanup.js');
	const out = (text: string): void => void process.stdout.write(`${terminalSafe(text)}\n`);
	await runCleanup({engine, yes: true, dryRun: false, io: {out, input: process.stdin, output: process.stdout}});
}

/** The command that offers the saved run again: the same lesson and engine (a saved run names its own registry). */
function resumeCommand(flags: {readonly lesson?: string | undefined; readonly engine: string; readonly class?: string | undefined}): string {
	const quoted = (word: string): string => (/^[\w./:@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
	return [
		'registry-lab',
		...(flags.class === undefined ? [] : ['--class', quoted(flags.class)]),
		...(flags.lesson === undefined ? [] : ['--lesson', quoted(flags.lesson)]),
		...(flags.engine === 'docker' ? [] : ['--engine', flags.engine]),
	].join(' ');
}

/**
 * The lesson's onProgress: the driver says a returned sentence once and the lesson goes on, so a
 * failed save never ends a lesson. Without a store (it could not be opened) nothing is saved.
 */
export function progressSaver(store: ProgressStore | undefined, extra?: () => Partial<LessonProgress>): (state: RunState) => string | void {
	return state => {
		if (!store) return;
		try {
			store.save(state.lesson.id, {...progressOfRun(state), ...extra?.()});
		} catch (error) {
			const why = storeProblem(error).reason;
			return `Your progress could not be saved (${why}): the lesson goes on, but resuming will start from the last step that was saved.`;
		}
	};
}

/** A lesson found and parsed. */
type Usable = Found & {readonly ok: true};

type Joined = {readonly address: string; readonly info: ClassInfo; readonly choice: RegistryChoice; readonly lesson: Usable};

/** `--class HOST:PORT`: what the listener says the class is, and its lesson; undefined once the reason is said. */
async function joinClass(address: string): Promise<Joined | undefined> {
	const {fetchClassInfo} = await import('../class/class-client.js');
	const asked = await fetchClassInfo(address);
	if (!asked.ok) {
		warn(
			`registry-lab: The class at ${address} did not answer: check the address on your slip, ` +
				'and ask your instructor whether the class is up (registry-lab class up).\n',
		);
		return undefined;
	}
	const {info} = asked;
	const lesson = await findLesson(info.lesson);
	if (!lesson.ok) {
		warn(
			`registry-lab: The class at ${address} runs the lesson '${info.lesson}', which this registry-lab does not have: ` +
				'ask your instructor which version to use.\n',
		);
		return undefined;
	}
	const choice: RegistryChoice = info.kind === 'hub' ? {kind: 'hub'} : {kind: 'class', host: info.registry};
	return {address, info, choice, lesson};
}

/**
 * The class's reports: a token kept from an earlier run of this lesson with this listener is used again,
 * a new one is saved with the run at once (and with every later save), a refused one is forgotten.
 */
async function classObserver(
	joined: Joined,
	store: ProgressStore | undefined,
): Promise<{observer: LabObserver; saved: () => Partial<LessonProgress>; joinCode?: (code: string) => void}> {
	const [{createReportSender, reportPoster}, {classReports}] = await Promise.all([import('../class/class-client.js'), import('../driver/class-reports.js')]);
	const {address, info, choice} = joined;
	const lessonId = joined.lesson.lesson.id;
	const key = runKey({registryKind: choice.kind, registry: info.registry});
	const kept = store?.get(lessonId, key);
	let token = kept?.classListener === address ? kept.classToken : undefined;
	const saved = (): Partial<LessonProgress> => ({classListener: address, ...(token ? {classToken: token} : {})});
	const onToken = (next: string | undefined): void => {
		token = next;
		const run = store?.get(lessonId, key);
		if (!store || !run) return;
		const rest: LessonProgress = {...run};
		delete rest.classToken;
		try {
			store.save(lessonId, {...rest, ...saved()});
		} catch {
			// Kept in memory and saved with the next step; a progress file that cannot be written is said by the lesson's own saving.
		}
	};
	const observer = classReports({
		className: info.name,
		address,
		firstReport: info.kind === 'hub' ? 'join-code' : 'login',
		connect: ({onUnreachable, onRefused}) =>
			createReportSender({post: reportPoster(address), ...(token ? {token} : {}), onToken, onUnreachable, onRefused}),
	});
	// A Docker Hub class asks for the join code on the slip once at the start, unless a kept token stands for it.
	const joinCode = info.kind === 'hub' && !token ? (code: string) => observer.joinCode(code) : undefined;
	return {observer, saved, ...(joinCode ? {joinCode} : {})};
}

/** An unusable progress file is said once on stderr, and the lesson runs without saving. */
function openStoreForLesson(): ProgressStore | undefined {
	try {
		const store = openProgressStore();
		if (store.notice) warn(`registry-lab: ${store.notice}\n`);
		return store;
	} catch (error) {
		warn(`registry-lab: ${storeProblem(error).message} The lesson runs without saving your progress.\n`);
		return undefined;
	}
}

function lessonError(lesson: {file: string; errors: readonly string[]}): number {
	warn(`registry-lab: the lesson ${lesson.file} cannot be used:\n${lesson.errors.map(error => `  - ${error}`).join('\n')}\n`);
	return 2;
}

/**
 * With several lessons, an interactive start asks which one, each with its completion mark;
 * otherwise the first lesson (in the order of the lessons folder, by file name). null: the student left.
 */
async function chooseLesson(interactive: boolean, progress: Readonly<Record<string, LessonProgress>>): Promise<string | null> {
	const lessons = (await loadLessons()).flatMap(result => (result.ok ? [result.lesson] : []));
	// No lesson that loads: the empty id makes findLesson say so.
	if (!interactive || lessons.length < 2) return lessons[0]?.id ?? '';
	const {pickLesson} = await loadScreen(() => import('../ui/pick-lesson.js'));
	return pickLesson(lessonEntries(lessons, progress));
}

/** What to say of a word where a command was expected: a command written after the options, or a slip of one. */
function unknownCommand(word: string): string {
	if ((commands as readonly string[]).includes(word)) return `the command comes first: registry-lab ${word} [options].`;
	if (word === 'help' || word === 'version') return `there is no command '${word}' (did you mean registry-lab --${word}?).`;
	const near = closest(word, commands);
	return near ? `there is no command '${word}' (did you mean '${near}'?).` : `there is no command '${word}' (commands: ${commands.join(', ')}).`;
}

function usageError(message: string): number {
	return usageErrorOf('registry-lab', message).exitCode;
}

/**
 * Ink decides once, as it loads, whether it runs in CI (CI or CONTINUOUS_INTEGRATION set), and
 * then draws nothing until it exits. The lab has already chosen the screen only for a real
 * terminal on both sides (chooseMode), where a variable a student's shell happens to export must
 * not blank it: they are hidden while Ink loads, and given back at once (children still see them).
 */
export async function loadScreen<T>(load: () => Promise<T>): Promise<T> {
	const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
	const saved = names.map(name => [name, process.env[name]] as const);
	for (const name of names) delete process.env[name];
	try {
		return await load();
	} finally {
		for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
	}
}
