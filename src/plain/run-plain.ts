/**
 * The plain face: the same driver as the Ink app (src/driver), printed line after line (no
 * redraws, no colours, no spinners) and asked as plain prompts, so it works with a screen
 * reader, in a log, or fed by a script. Loads neither ink nor react.
 */
import type {Engine} from '../container/engine.js';
import type {RegistryChoice} from '../driver/lab-vars.js';
import {
	isQuit,
	quit,
	type AnswerOf,
	type RegistryOption,
	type LessonView,
	type Move,
	type MoveRequest,
	type Port,
	type Question,
	type Quit,
} from '../driver/port.js';
import type {Resume, SavedRun} from '../driver/saved-run.js';
import {startLab, starterChoice, type LabOptions, type LabSession} from '../driver/run-lab.js';
import type {Lesson} from '../lesson/schema.js';
import {fill} from '../lesson/template.js';
import type {Failure, RunState} from '../lesson-run/lesson-run.js';
import {checkDid, currentStep} from '../lesson-run/lesson-run.js';
import {hostProblem} from '../registry/address.js';
import {onExitSignal, onInterruptSignal} from '../run/signals.js';
import {didLines} from '../text/check-did.js';
import {endOfRun, runEnd, type Ending} from '../text/summary.js';
import {terminalSafe} from '../text/terminal-safe.js';
import {whatToDoLines} from '../text/what-to-do.js';
import {openLines, type Lines} from './lines.js';
import {paragraphs} from '../text/paragraphs.js';
import {ascii, indent, plainText} from './text.js';
import {actionFor, againPrompt, plainWord, stepPrompt, typingHelp} from './words.js';

export type PlainOptions = {
	readonly lesson: Lesson;
	readonly engine: Engine;
	/** Chosen by a flag; a numbered question asks when absent. */
	readonly choice?: RegistryChoice;
	readonly input: NodeJS.ReadableStream & {isTTY?: boolean};
	readonly output: NodeJS.WritableStream;
	/** Called when the lesson changes step or completes one (progress saving). */
	readonly onProgress?: LabOptions['onProgress'];
	readonly onEffect?: LabOptions['onEffect'];
	readonly recordMade?: LabOptions['recordMade'];
	readonly startPractice?: LabOptions['startPractice'];
	readonly hub?: LabOptions['hub'];
	readonly openUrl?: LabOptions['openUrl'];
	/** Saved progress of an unfinished run: offered for resuming, after checking it still holds. */
	readonly saved?: SavedRun;
	/** The lesson's unfinished runs: named at the start, and one offered for resuming (see LabOptions). */
	readonly runs?: LabOptions['runs'];
	/** Watches the run (a class's reports). */
	readonly observer?: LabOptions['observer'];
	/** A Docker Hub class: the join code is asked at the start and handed here (see LabOptions). */
	readonly joinCode?: LabOptions['joinCode'];
	/** Start at this step with these variables (a test going straight to a step). */
	readonly start?: Resume;
	/** Why plain mode was chosen, said once at the start ('--plain', 'no terminal', 'NO_COLOR', 'TERM=dumb'). */
	readonly reason?: string;
	/** Where the run is saved, for its last words. */
	readonly ending?: Ending;
};

type Print = (text?: string) => void;

export async function runPlain(options: PlainOptions): Promise<{finished: boolean}> {
	const {lesson, output} = options;
	// A reader that went away (`| head`, a closed window) ends the lesson quietly, not with a stack trace.
	let gone = false;
	// Every line passes here: tags, registry answers and the engine's output are shown, never obeyed.
	const print: Print = (text = '') => {
		if (!gone) output.write(`${terminalSafe(text)}\n`);
	};
	// ctrl+c asks the session: it stops a running command, or the lesson ends.
	const current: {session?: LabSession} = {};
	const lines = openLines(options.input, output, () => current.session?.interrupt() === 'stopped');
	output.on('error', () => {
		gone = true;
		lines.close();
	});

	print(`registry-lab: ${lesson.title}`);
	const because: Record<string, string> = {
		'no terminal': 'standard input or output is not a terminal',
		NO_COLOR: 'NO_COLOR is set',
		'TERM=dumb': 'TERM is dumb',
	};
	const why = options.reason && because[options.reason] ? ` (chosen because ${because[options.reason]})` : '';
	print(`Plain mode${why}: one line after another, questions as prompts. Type q at a question to leave.`);
	print();
	const face = plainPort(lines, print);
	// The run as last saved: what its last words tell.
	let saved: RunState | undefined;
	const onProgress = (state: RunState): string | void => {
		saved = state;
		return options.onProgress?.(state);
	};
	const session = startLab(face.port, {...options, onProgress});
	current.session = session;
	// ctrl+c from a pipe comes as SIGINT: it stops a running command first, like ctrl+c on a terminal.
	const offInterrupt = onInterruptSignal(() => session.stop());
	// Any exit signal leaves the lesson: the command stops and the practice registry is stopped before the exit.
	const offExit = onExitSignal(() => {
		session.leave();
		return session.done;
	});
	try {
		const outcome = await session.done;
		// After everything stopped (a practice registry too): the same words as the app leaves on the screen.
		const words = endOfRun(runEnd(outcome, saved, options.ending));
		if (words.length > 0) print();
		for (const line of words) print(line);
		return outcome;
	} finally {
		offInterrupt();
		offExit();
		lines.close();
	}
}

function plainPort(lines: Lines, print: Print): {port: Port} {
	let last: LessonView | undefined;
	// The command line is shown once an attempt: before Enter runs it, or once a typed line is accepted.
	let commandShown = false;
	let typingExplained = false;

	const port: Port = {
		working(label) {
			if (label) print(ascii(label));
		},
		say(text) {
			print(text);
		},
		ask: question => askQuestion(question, lines, print),
		output(outputLines) {
			for (const line of outputLines) {
				const text = plainText(line.text);
				if (text.trim().length > 0) print(`  ${text}`);
			}
		},
		show(view) {
			const previous = last;
			last = view;
			const {state} = view;
			const before = previous?.state;
			// The end is told once everything has stopped (endOfRun).
			if (state.phase.name === 'finished') return;
			if (!before || before.index !== state.index) {
				announceStep(view, print);
				commandShown = false;
				typingExplained = false;
			}
			if (view.working && view.working !== previous?.working) print(ascii(view.working));
			if (view.linkNote && view.linkNote !== previous?.linkNote) print(view.linkNote);
			const step = currentStep(state);
			const stats = step ? state.stats[step.id] : undefined;
			const earlier = step ? before?.stats[step.id] : undefined;
			if (state.phase.name === 'ready' && state.feedback && (stats?.attempts !== earlier?.attempts || stats?.hints !== earlier?.hints)) {
				print(`${state.feedbackKind === 'hint' ? 'Hint' : 'Not run'}: ${state.feedback}`);
			}
			// Asked again (w): what the check did, once more.
			if (before && state.phase === before.phase && state.showDid && !before.showDid) printDid(checkDid(state.phase), print);
			if (before && state.phase === before.phase) return;
			const {phase} = state;
			switch (phase.name) {
				case 'before':
				case 'running':
					if (!commandShown && view.command) print(`Command: ${view.command}`);
					commandShown = true;
					if (phase.name === 'before') print('Checking your answers before anything runs...');
					else print(`Running ${view.engineName} (ctrl+c stops it)...`);
					break;
				case 'checking':
					print(phase.selfRun ? 'Checking what you did in your terminal...' : 'Checking the result...');
					break;
				case 'passed':
					print(indent(`PASS ${phase.result?.summary ?? 'Done.'}`));
					printDid(phase.result?.did, print);
					break;
				case 'failed':
					printFailure(phase.failure, view.engineName, print);
					printDid(phase.failure.did, print);
					break;
				case 'canceled':
					print('Stopped. Nothing more will run until you say so.');
					break;
				default:
					commandShown = false;
			}
		},
		async move(request) {
			const {state} = request.view;
			const {phase} = state;
			if (phase.name === 'passed') return {name: 'next'};
			if (request.input) return askInput(request, lines, print);
			if (phase.name === 'failed' || phase.name === 'canceled') return pickAction(request, againPrompt(request.actions), lines, print);
			if (state.typing) {
				if (!typingExplained) print(typingHelp(request.actions));
				typingExplained = true;
				return askTyped(request, lines);
			}
			if (request.view.command) print(`Command: ${request.view.command}`);
			commandShown = true;
			return pickAction(request, stepPrompt(request.actions), lines, print);
		},
	};
	return {port};
}

function announceStep(view: LessonView, print: Print): void {
	const {state} = view;
	const step = currentStep(state);
	if (!step) return;
	const {vars} = state;
	print();
	print(`Step ${state.index + 1} of ${state.steps.length}: ${fill(step.title, vars)}`);
	if (state.notice) print(`Note: ${state.notice}`);
	print();
	print(paragraphs(fill(step.body, vars, '...')));
	const tip = step.tip ? fill(step.tip, vars) : '';
	if (tip) print(`\nTip: ${tip}`);
	const url = step.link ? fill(step.link.url, vars) : '';
	if (step.link && url) print(`\n${fill(step.link.label, vars)}: ${url}`);
	print();
}

/** What the check did, a `checked: ` line each, after its result. */
function printDid(did: string | undefined, print: Print): void {
	for (const line of didLines(did)) print(`  ${line}`);
}

function printFailure(failure: Failure, engineName: string, print: Print): void {
	// A check that could not be made is neither a pass nor a fail.
	print(indent(`${failure.couldNotCheck ? 'COULD NOT CHECK' : 'FAIL'} ${failure.summary}`));
	const said = (failure.detail ?? '')
		.split('\n')
		.map(plainText)
		.filter(line => line.trim().length > 0);
	if (said.length > 0) {
		print(`What ${failure.stage === 'command' ? engineName : 'registry-lab'} said:`);
		for (const line of said.slice(-12)) print(`  ${line}`);
	}
	if (failure.diagnosis) {
		print(`What it means: ${failure.diagnosis.title}`);
		for (const line of whatToDoLines(failure.diagnosis.hint)) print(line);
	}
}

/** Ask until the answer is one of the actions offered (or q); a bare Enter takes the first. */
async function pickAction(request: MoveRequest, prompt: string, lines: Lines, print: Print): Promise<Move | Quit> {
	for (;;) {
		const answer = await lines.ask(`${prompt}: `);
		if (answer.kind === 'end') return quit;
		const name = actionFor(answer.text, request.actions, false) ?? (answer.text.trim() === '' ? request.actions[0]?.name : undefined);
		if (name && name !== 'answer' && name !== 'typed') return {name};
		const words = request.actions.map(action => plainWord(action.name, false)?.word).filter(word => word !== undefined);
		print(`Please type one of: ${words.map(word => word || 'Enter').join(', ')}.`);
	}
}

/** The typing protocol: a line after `$ `; escapes do what they name, anything else goes to the driver as typed. */
async function askTyped(request: MoveRequest, lines: Lines): Promise<Move | Quit> {
	const answer = await lines.ask('$ ');
	if (answer.kind === 'end') return quit;
	const name = actionFor(answer.text, request.actions, true);
	if (name === 'quit') return quit;
	if (name === 'open-link') return {name};
	return {name: 'typed', line: answer.text};
}

async function askInput(request: MoveRequest, lines: Lines, print: Print): Promise<Move | Quit> {
	const input = request.input!;
	if (input.from && !input.error) print(`Your answer from step ${input.from.number}, "${input.from.title}":`);
	if (input.error) print(`Not accepted: ${input.error}`);
	if (input.pick) return askPick(input, lines, print);
	if (input.help) print(input.help);
	const shownDefault = input.defaultValue ? ` [${input.defaultValue}]` : '';
	const hidden = input.secret ? ' (not shown while you type)' : '';
	const answer = await lines.ask(`${input.label}${shownDefault}${hidden}: `, {secret: input.secret});
	if (answer.kind === 'end') return quit;
	const typed = answer.text.trim();
	// A tag may be called q; any other question takes q as leaving.
	if (!input.secret && typed.toLowerCase() === 'q' && input.input.validate !== 'tag') return quit;
	return {name: 'answer', value: !input.secret && typed === '' && input.defaultValue !== undefined ? input.defaultValue : answer.text};
}

/** A numbered list: a number or a name picks; Enter alone takes the first. */
async function askPick(input: NonNullable<MoveRequest['input']>, lines: Lines, print: Print): Promise<Move | Quit> {
	const pick = input.pick!;
	// The starter image is offered as 0, the images on this computer from 1; other lists count from 1.
	const first = pick.options[0]?.value === starterChoice ? 0 : 1;
	const last = first + pick.options.length - 1;
	print(`${pick.heading}:`);
	pick.options.forEach((option, index) => print(`  ${index + first}  ${option.label}`));
	if (pick.note) print(pick.note);
	for (;;) {
		const answer = await lines.ask(`Type a number (${first} to ${last}) or an image name [${first}]: `);
		if (answer.kind === 'end') return quit;
		const typed = answer.text.trim();
		if (typed.toLowerCase() === 'q') return quit;
		if (typed === '') return {name: 'answer', value: pick.options[0]?.value ?? ''};
		if (!/^\d+$/.test(typed)) return {name: 'answer', value: typed};
		const option = pick.options[Number(typed) - first];
		if (option) return {name: 'answer', value: option.value};
		print(`There is no number ${typed}: type a number from ${first} to ${last}, or an image name.`);
	}
}

async function askQuestion<Q extends Question>(question: Q, lines: Lines, print: Print): Promise<AnswerOf<Q> | Quit> {
	const answer = await askAny(question, lines, print);
	return answer as AnswerOf<Q> | Quit;
}

async function askAny(question: Question, lines: Lines, print: Print): Promise<string | RegistryChoice | Quit> {
	switch (question.kind) {
		case 'resume': {
			const {offer} = question;
			print(
				`Last time you got to step ${offer.step} of ${offer.steps}, "${offer.title}", ` +
					`on ${offer.where}${offer.username ? ` as ${offer.username}` : ''}.`,
			);
			print('Before you go on, registry-lab checks that the steps you did still hold.');
			return choose(
				lines,
				print,
				`Resume at step ${offer.step}? [y]es / [n]o, start over / [q]uit: `,
				{y: 'resume', n: 'start-over'},
				'Please type y, n or q.',
			);
		}
		case 'registry':
			return askRegistry(question.options, lines, print);
		case 'engine-problem': {
			print(`Before the lesson can start, ${question.engineName} has to work on this computer.`);
			for (const item of question.result.items) {
				print(indent(`${item.ok ? 'PASS' : 'FAIL'} ${item.summary}`));
				if (item.ok) continue;
				if (item.diagnosis) {
					print(`What it means: ${item.diagnosis.title}`);
					for (const line of whatToDoLines(item.diagnosis.hint)) print(line);
				}
				if (item.detail) print(indent(item.detail, '  '));
			}
			return choose(lines, print, 'Fix it, then check again? [r]etry / [q]uit: ', {r: 'retry', '': 'retry'}, 'Please type r or q.');
		}
		case 'practice-problem': {
			print(indent(`FAIL ${question.message}`));
			print(`What to do: ${question.hint}`);
			const log = (question.log ?? '')
				.split('\n')
				.map(plainText)
				.filter(line => line.trim().length > 0);
			for (const line of log.slice(-8)) print(`  ${line}`);
			return choose(lines, print, 'Try again? [r]etry / [q]uit: ', {r: 'retry', '': 'retry'}, 'Please type r or q.');
		}
		case 'join-code': {
			// A secret: not echoed on a terminal, never printed back (a join code has no q in it alone).
			if (question.error) print(`Not accepted: ${question.error}`);
			else print(question.help);
			const answer = await lines.ask(`${question.label} (not shown while you type, q to quit): `, {secret: true});
			if (answer.kind === 'end' || answer.text.trim().toLowerCase() === 'q') return quit;
			return answer.text;
		}
	}
}

async function askRegistry(options: readonly RegistryOption[], lines: Lines, print: Print): Promise<RegistryChoice | Quit> {
	print('Where will you push your image?');
	options.forEach((option, index) => print(`  ${index + 1}  ${option.title}, ${option.detail}`));
	const numbers = options.map((_, index) => String(index + 1));
	const said = `${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1)}`;
	const words: Record<string, string> = Object.fromEntries(options.map((option, index) => [String(index + 1), option.value] as const));
	const kind = await choose(lines, print, `Type ${said}: `, words, `Please type ${said} (or q to quit).`);
	if (isQuit(kind)) return quit;
	if (kind !== 'class') return {kind: kind as 'hub' | 'practice'};
	for (;;) {
		const host = await lines.ask('Address of the class registry (HOST or HOST:PORT): ');
		if (host.kind === 'end') return quit;
		const value = host.text.trim();
		if (value.toLowerCase() === 'q') return quit;
		const problem = hostProblem(value);
		if (!problem) return {kind: 'class', host: value};
		print(`Not accepted: ${problem}`);
	}
}

/** Ask until the answer is one of the words (or q). */
async function choose(lines: Lines, print: Print, prompt: string, words: Record<string, string>, again: string): Promise<string | Quit> {
	for (;;) {
		const answer = await lines.ask(prompt);
		if (answer.kind === 'end') return quit;
		const typed = answer.text.trim().toLowerCase();
		if (typed === 'q' || typed === 'quit') return quit;
		// A word may be written out: yes, retry.
		const found = words[typed] ?? (/^[a-z]/.test(typed) ? words[typed[0]!] : undefined);
		if (found !== undefined) return found;
		print(again);
	}
}
