/**
 * The plain, linear lab: the same lesson, state machine and effects as the Ink app, printed
 * line after line (no redraws, no colours, no spinners) and asked as plain prompts, so it
 * works with a screen reader, in a log, or fed by a script. Loads neither ink nor react.
 */
import {createInterface, type Interface} from 'node:readline';
import {Writable} from 'node:stream';
import {createLabServices, type LabServices} from '../driver/services.js';
import {practiceVars} from '../class/seed-classmate.js';
import {argsForEngine} from '../container/commands.js';
import type {Engine} from '../container/engine.js';
import {starterImageName} from '../container/images.js';
import {preflight} from '../container/preflight.js';
import {validateInput} from '../container/validate-input.js';
import {currentInput, currentStep, displayCommand, pendingEffect, reduce, startRun, type Effect, type Event, type Failure, type RunState} from '../lesson-run/lesson-run.js';
import {stepApplies} from '../lesson/steps.js';
import type {Lesson, StepInput} from '../lesson/schema.js';
import {fill, type Vars} from '../lesson/template.js';
import {recheck, type Resume, type SavedRun} from '../driver/resume.js';
import {startPracticeRegistry, type PracticeRegistry} from '../registry/practice-registry.js';
import {hostProblem, labVars, type RegistryChoice} from '../driver/lab-vars.js';

export type PlainOptions = {
	readonly lesson: Lesson;
	readonly engine: Engine;
	/** Chosen by a flag; a numbered question asks when absent. */
	readonly choice?: RegistryChoice;
	readonly input: NodeJS.ReadableStream & {isTTY?: boolean};
	readonly output: NodeJS.WritableStream;
	/** Called when the lesson changes step or completes one (progress saving). */
	readonly onProgress?: (state: RunState) => void;
	readonly startPractice?: typeof startPracticeRegistry;
	/** Saved progress of an unfinished run: offered for resuming, after checking it still holds. */
	readonly saved?: SavedRun;
	/** Why plain mode was chosen, said once at the start ('--plain', 'no terminal', 'NO_COLOR', 'TERM=dumb'). */
	readonly reason?: string;
};

/** What the student answered: a line, or nothing more to read (end of input, or ctrl+c). */
type Answer = {readonly kind: 'line'; readonly text: string} | {readonly kind: 'end'};

type Lines = {
	ask(prompt: string, options?: {secret?: boolean}): Promise<Answer>;
	close(): void;
};

type Setup = {readonly kind: 'ready'; readonly choice: RegistryChoice; readonly host: string; readonly extra: Vars; readonly resume?: Resume} | {readonly kind: 'quit'};

export async function runPlain(options: PlainOptions): Promise<{finished: boolean}> {
	const {lesson, engine, output} = options;
	// A reader that went away (`| head`, a closed window) ends the lesson quietly, not with a stack trace.
	let gone = false;
	const print = (text = ''): void => {
		if (!gone) output.write(`${text}\n`);
	};
	// The command running now, stopped by ctrl+c; without one, ctrl+c leaves the lesson.
	let running: AbortController | undefined;
	const starting = new AbortController();
	let practice: PracticeRegistry | undefined;
	const lines = openLines(options.input, output, () => {
		if (running) {
			running.abort();
			return true;
		}
		starting.abort();
		return false;
	});

	output.on('error', () => {
		gone = true;
		lines.close();
	});

	try {
		print(`registry-lab: ${lesson.title}`);
		const because: Record<string, string> = {'no terminal': 'standard input or output is not a terminal', NO_COLOR: 'NO_COLOR is set', 'TERM=dumb': 'TERM is dumb'};
		const why = options.reason && because[options.reason] ? ` (chosen because ${because[options.reason]})` : '';
		print(`Plain mode${why}: one line after another, questions as prompts. Type q at a question to leave.`);
		print();
		const resuming = options.saved ? await offerResume(lesson, options.saved, lines, print) : 'start-over';
		if (resuming === 'quit') return {finished: false};
		const choice = resuming === 'resume' ? options.saved!.choice : (options.choice ?? (await chooseRegistry(lines, print)));
		if (!choice) return {finished: false};
		if (!(await checkEngine(engine, lines, print))) return {finished: false};
		let setup: Setup;
		if (resuming === 'resume' && choice.kind !== 'practice') {
			print('Checking that what you did last time still holds...');
			const resume = await recheck(lesson, engine, options.saved!);
			setup = {kind: 'ready', choice, host: choice.kind === 'class' ? choice.host : 'docker.io', extra: {}, resume};
		} else if (choice.kind === 'practice') {
			const started = await startPractice(options, starting.signal, lines, print);
			if (started.kind === 'quit') return {finished: false};
			practice = started.registry;
			setup = started.setup;
		} else setup = {kind: 'ready', choice, host: choice.kind === 'class' ? choice.host : 'docker.io', extra: {}};
		if (setup.kind === 'quit') return {finished: false};
		return await runLesson(options, setup, lines, print, controller => (running = controller));
	} finally {
		lines.close();
		starting.abort();
		if (practice) {
			print('Stopping the practice registry...');
			await practice.stop();
		}
	}
}

async function runLesson(
	options: PlainOptions,
	setup: Extract<Setup, {kind: 'ready'}>,
	lines: Lines,
	print: (text?: string) => void,
	setRunning: (controller: AbortController | undefined) => void,
): Promise<{finished: boolean}> {
	const {lesson, engine} = options;
	const registry = setup.choice.kind === 'hub' ? 'docker.io' : setup.host;
	const services = createLabServices({engine, registry, registryKind: setup.choice.kind});
	const {resume} = setup;
	const vars = {...labVars(setup.choice, setup.host, engine.name), ...setup.extra, ...resume?.vars};
	const started = startRun(lesson, setup.choice.kind, vars, resume ? {stepId: resume.stepId, completed: resume.completed ?? [], ...(resume.notice ? {notice: resume.notice} : {})} : {});
	// The generated practice password is shown once, but never saved.
	let state: RunState = {...started, secretNames: [...started.secretNames, 'practicePassword']};
	let previous: RunState | undefined;
	let announced = -1;
	const dispatch = (event: Event): void => {
		state = reduce(state, event);
	};

	for (;;) {
		if (!previous || previous.completed !== state.completed || previous.index !== state.index) options.onProgress?.(state);
		if (!previous || previous.vars !== state.vars) {
			const {username, password} = state.vars;
			services.setSessionCredentials(username && password ? {username, password} : undefined);
		}
		previous = state;

		const step = currentStep(state);
		if (state.phase.name === 'finished' || !step) {
			print();
			print(`Lesson finished: you did all ${state.steps.length} steps of "${lesson.title}".`);
			return {finished: true};
		}
		if (announced !== state.index) {
			announced = state.index;
			announceStep(state, print);
		}

		const effect = pendingEffect(state);
		if (effect) {
			const controller = new AbortController();
			setRunning(controller);
			try {
				dispatch(await carryOut(effect, state, services, controller.signal, print, dispatch));
			} finally {
				setRunning(undefined);
			}
			continue;
		}

		const {phase} = state;
		switch (phase.name) {
			case 'input': {
				const input = currentInput(state);
				if (!input) return {finished: false};
				if (phase.error) print(`Not accepted: ${phase.error}`);
				const event = input.kind === 'local-image' ? await askImage(input, state, services, lines, print) : await askInput(input, state, lines, print);
				if (event === 'quit') return leave(print);
				dispatch(event);
				break;
			}
			case 'ready': {
				const command = displayCommand(state, engine.name, args => argsForEngine(engine, args, registry));
				if (command) print(`Command: ${command}`);
				const choices: Choice[] = step.command
					? [['', 'run', 'Press Enter to run it'], ...(step.check ? [['c', 'check', 'c if you ran it in your own terminal (check only)'] as Choice] : [])]
					: step.check
						? [['', 'run', 'Press Enter to check']]
						: [['', 'run', 'Press Enter to continue']];
				if (step.inputs.length > 0) choices.push(['e', 'edit', 'e to change your answers']);
				const picked = await pick(lines, print, choices.length === 1 ? `${choices[0]![2]}` : `${choices.map(choice => choice[2]).join(', ')}, q to quit`, choices);
				if (picked === 'quit') return leave(print);
				dispatch(picked === 'check' ? {type: 'check-only'} : picked === 'edit' ? {type: 'edit'} : {type: 'run'});
				break;
			}
			case 'passed':
				print(indent(`PASS ${phase.result?.summary ?? 'Done.'}`));
				dispatch({type: 'next'});
				break;
			case 'failed': {
				printFailure(phase.failure, engine.name, print);
				const choices: Choice[] = [['r', 'retry', '[r]etry']];
				if (step.check) choices.push(['c', 'check', '[c]heck only']);
				if (step.inputs.length > 0) choices.push(['e', 'edit', '[e]dit answers']);
				const picked = await pick(lines, print, `Try again? ${[...choices.map(choice => choice[2]), '[q]uit'].join(' / ')}`, choices);
				if (picked === 'quit') return leave(print);
				dispatch(picked === 'check' ? {type: 'check-only'} : picked === 'edit' ? {type: 'edit'} : {type: 'retry'});
				break;
			}
			case 'canceled': {
				print('Stopped. Nothing more will run until you say so.');
				const picked = await pick(lines, print, 'Try again? [r]etry / [q]uit', [['r', 'retry', '[r]etry']]);
				if (picked === 'quit') return leave(print);
				dispatch({type: 'retry'});
				break;
			}
			default:
				// 'before', 'running', 'checking' always have an effect; nothing else waits here.
				return {finished: false};
		}
	}
}

/** An unfinished lesson: resume where the student stopped, or start over. */
async function offerResume(lesson: Lesson, saved: SavedRun, lines: Lines, print: (text?: string) => void): Promise<'resume' | 'start-over' | 'quit'> {
	const steps = lesson.steps.filter(step => stepApplies(step, saved.choice.kind));
	const index = Math.max(0, steps.findIndex(step => step.id === saved.stepId));
	const title = fill(steps[index]?.title ?? saved.stepId, saved.vars);
	const where = saved.choice.kind === 'hub' ? 'Docker Hub' : saved.choice.kind === 'class' ? saved.choice.host : 'the practice registry';
	print(`Last time you got to step ${index + 1} of ${steps.length}, "${title}", on ${where}${saved.vars.username ? ` as ${saved.vars.username}` : ''}.`);
	print('Before you go on, registry-lab checks that the steps you did still hold.');
	const picked = await pick(lines, print, `Resume at step ${index + 1}? [y]es / [n]o, start over / [q]uit`, [
		['y', 'resume', '[y]es'],
		['n', 'start-over', '[n]o'],
	]);
	return picked === 'resume' ? 'resume' : picked === 'start-over' ? 'start-over' : 'quit';
}

function leave(print: (text?: string) => void): {finished: boolean} {
	print('You left the lesson before the end. Your progress up to the last step you passed is saved.');
	return {finished: false};
}

function announceStep(state: RunState, print: (text?: string) => void): void {
	const step = currentStep(state)!;
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

/**
 * Lesson text is wrapped for the YAML's sake: each paragraph becomes one line (the terminal
 * or the screen reader wraps it), indented lines stay as they are.
 */
export function paragraphs(text: string): string {
	return text
		.trimEnd()
		.split(/\n{2,}/)
		.map(paragraph => {
			const parts = paragraph.split('\n');
			if (parts.every(line => /^\s/.test(line))) return paragraph;
			return parts.map(line => line.trim()).join(' ');
		})
		.join('\n\n');
}

/** Two spaces before every line, so what a program said stands apart from what the lab says. */
function indent(text: string, first = ''): string {
	return text
		.split('\n')
		.map((line, index) => (index === 0 ? `${first}${line}` : `  ${line}`))
		.join('\n');
}

/** Output of a program, as plain text: no colour codes, no carriage-return redraws. */
export function plainText(line: string): string {
	// eslint-disable-next-line no-control-regex
	const noEscapes = line.replace(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007]*(?:\u0007|\u001B\\)|\u001B[@-_]/g, '');
	// A line redrawn with \r shows its last state.
	const parts = noEscapes.split('\r').filter(part => part.length > 0);
	return parts.at(-1) ?? '';
}

function printFailure(failure: Failure, engineName: string, print: (text?: string) => void): void {
	print(indent(`FAIL ${failure.summary}`));
	const said = (failure.detail ?? '').split('\n').map(plainText).filter(line => line.trim().length > 0);
	if (said.length > 0) {
		print(`What ${failure.stage === 'command' ? engineName : 'registry-lab'} said:`);
		for (const line of said.slice(-12)) print(`  ${line}`);
	}
	if (failure.diagnosis) {
		print(`What it means: ${failure.diagnosis.title}`);
		print(`What to do: ${failure.diagnosis.hint}`);
	}
}

async function carryOut(effect: Effect, state: RunState, services: LabServices, signal: AbortSignal, print: (text?: string) => void, dispatch: (event: Event) => void): Promise<Event> {
	switch (effect.kind) {
		case 'before':
			print('Checking your answers before anything runs...');
			return {type: 'before-done', result: await services.runChecks(effect.checks, signal)};
		case 'check': {
			const selfRun = state.phase.name === 'checking' && state.phase.selfRun;
			print(selfRun ? 'Checking what you did in your terminal...' : 'Checking the result...');
			return {type: 'check-done', result: await services.runCheck(effect.check, signal)};
		}
		case 'command': {
			print(`Running ${services.engine.name} (ctrl+c stops it)...`);
			const outcome = await services.runEngine(effect.args, {
				stdin: effect.stdin,
				timeoutMs: effect.timeoutMs,
				signal,
				onLine(text, stream) {
					const line = plainText(text);
					if (line.trim().length > 0) print(`  ${line}`);
					dispatch({type: 'output', lines: [{text, stream}]});
				},
			});
			return {type: 'command-done', outcome};
		}
	}
}

/** [what to type, what it means, how it is offered]; '' is Enter. */
type Choice = readonly [key: string, action: string, label: string];

/** Ask until the answer is one of the choices (or q); 'quit' also at the end of input. */
async function pick(lines: Lines, print: (text?: string) => void, prompt: string, choices: readonly Choice[]): Promise<string> {
	for (;;) {
		const answer = await lines.ask(`${prompt}: `);
		if (answer.kind === 'end') return 'quit';
		const typed = answer.text.trim().toLowerCase();
		if (typed === 'q' || typed === 'quit') return 'quit';
		const found = choices.find(([key]) => key === typed || (key !== '' && typed.startsWith(key)));
		if (found) return found[1];
		// A bare Enter where Enter means nothing: take the first choice (retry), like the app's Enter.
		if (typed === '' && choices[0]) return choices[0][1];
		print(`Please type one of: ${choices.map(([key]) => (key === '' ? 'Enter' : key)).join(', ')}, or q to quit.`);
	}
}

async function askInput(input: StepInput, state: RunState, lines: Lines, print: (text?: string) => void): Promise<Event | 'quit'> {
	const {vars} = state;
	const secret = input.kind === 'secret';
	const phase = state.phase.name === 'input' ? state.phase : undefined;
	if (input.help) print(fill(input.help, vars));
	const fallback = secret ? undefined : (phase?.draft ?? vars[input.id] ?? (input.default === undefined ? undefined : fill(input.default, vars)));
	const shownDefault = fallback ? ` [${fallback}]` : '';
	const hidden = secret ? ' (not shown while you type)' : '';
	const answer = await lines.ask(`${fill(input.label, vars)}${shownDefault}${hidden}: `, {secret});
	if (answer.kind === 'end') return 'quit';
	// Like docker's --password-stdin, drop a line ending pasted along with a password.
	const typed = secret ? answer.text.replace(/[\r\n]+$/, '') : answer.text.trim();
	if (!secret && typed.toLowerCase() === 'q' && input.validate !== 'tag') return 'quit';
	const value = !secret && typed === '' && fallback !== undefined ? fallback : typed;
	const error = validateInput(input.validate ?? (secret ? 'nonempty' : undefined), value);
	if (!error) return {type: 'submit-input', value};
	return {type: 'reject-input', message: error, ...(secret ? {} : {value})};
}

/** `docker images`, numbered, with the starter image as 0; a number or a name picks one. */
async function askImage(input: StepInput, state: RunState, services: LabServices, lines: Lines, print: (text?: string) => void): Promise<Event | 'quit'> {
	print(`Running ${services.engine.name} images...`);
	const listed = await services.listImages(services.engine);
	const images = listed.ok ? listed.value : [];
	if (!listed.ok) print(`Could not list the images: ${plainText(listed.output || `${services.engine.name} images failed`)}`);
	print(`${fill(input.label, state.vars)}:`);
	print(`  0  Make a small starter image (${starterImageName}, a few bytes, no download)`);
	images.forEach((image, index) => print(`  ${index + 1}  ${image.reference}  ${image.id}  ${image.size}`));
	if (listed.ok && images.length === 0) print('You have no images yet. A starter image is a tiny image made on this computer, so you have something of your own to push.');
	for (;;) {
		const answer = await lines.ask(`Type a number (0 to ${images.length}) or an image name [0]: `);
		if (answer.kind === 'end') return 'quit';
		const typed = answer.text.trim();
		if (typed.toLowerCase() === 'q') return 'quit';
		if (typed === '' || typed === '0') {
			print(`Making ${starterImageName} (one small text file, no download)...`);
			const made = await services.makeStarterImage(services.engine);
			if (made.ok) return {type: 'submit-input', value: made.value};
			print(indent(`FAIL Could not make the starter image: ${plainText(made.output)}`));
			continue;
		}
		if (/^\d+$/.test(typed)) {
			const image = images[Number(typed) - 1];
			if (image) return {type: 'submit-input', value: image.reference};
			print(`There is no image number ${typed}: type a number from 0 to ${images.length}, or an image name.`);
			continue;
		}
		const error = validateInput(input.validate ?? 'reference', typed);
		if (error) {
			print(`Not accepted: ${error}`);
			continue;
		}
		return {type: 'submit-input', value: typed};
	}
}

async function chooseRegistry(lines: Lines, print: (text?: string) => void): Promise<RegistryChoice | undefined> {
	print('Where will you push your image?');
	print('  1  Docker Hub, with your own free Docker account');
	print('  2  A class registry: your instructor gave you its address and an account');
	print('  3  A practice registry on this computer: no account needed');
	for (;;) {
		const answer = await lines.ask('Type 1, 2 or 3: ');
		if (answer.kind === 'end') return undefined;
		const typed = answer.text.trim().toLowerCase();
		if (typed === 'q') return undefined;
		if (typed === '1') return {kind: 'hub'};
		if (typed === '3') return {kind: 'practice'};
		if (typed === '2') {
			for (;;) {
				const host = await lines.ask('Address of the class registry (HOST or HOST:PORT): ');
				if (host.kind === 'end') return undefined;
				const value = host.text.trim();
				if (value.toLowerCase() === 'q') return undefined;
				const problem = hostProblem(value);
				if (!problem) return {kind: 'class', host: value};
				print(`Not accepted: ${problem}`);
			}
		}
		print('Please type 1, 2 or 3 (or q to quit).');
	}
}

/** Preflight, as in the app: the lesson starts only when the engine works; else each problem, with its fix. */
async function checkEngine(engine: Engine, lines: Lines, print: (text?: string) => void): Promise<boolean> {
	for (;;) {
		print(`Checking ${engine.name} on this computer...`);
		const result = await preflight(engine);
		if (result.ok) {
			print(`PASS ${engine.name} works on this computer${result.serverVersion ? ` (engine version ${result.serverVersion})` : ''}.`);
			return true;
		}
		print(`Before the lesson can start, ${engine.name} has to work on this computer.`);
		for (const item of result.items) {
			print(indent(`${item.ok ? 'PASS' : 'FAIL'} ${item.summary}`));
			if (item.ok) continue;
			if (item.diagnosis) {
				print(`What it means: ${item.diagnosis.title}`);
				print(`What to do: ${item.diagnosis.hint}`);
			}
			if (item.detail) print(indent(item.detail, '  '));
		}
		const picked = await pick(lines, print, 'Fix it, then check again? [r]etry / [q]uit', [['r', 'retry', '[r]etry']]);
		if (picked === 'quit') return false;
	}
}

async function startPractice(
	options: PlainOptions,
	signal: AbortSignal,
	lines: Lines,
	print: (text?: string) => void,
): Promise<{kind: 'started'; registry: PracticeRegistry; setup: Setup} | {kind: 'quit'}> {
	for (;;) {
		print('Starting a practice registry on this computer...');
		const started = await (options.startPractice ?? startPracticeRegistry)({engine: options.engine, signal, accounts: [{username: 'student'}, {username: 'classmate'}]});
		if (started.ok) {
			print(`The practice registry is running at ${started.host}.`);
			const extra = await practiceVars(options.engine, started, signal);
			if (signal.aborted) return {kind: 'started', registry: started, setup: {kind: 'quit'}};
			return {kind: 'started', registry: started, setup: {kind: 'ready', choice: {kind: 'practice'}, host: started.host, extra}};
		}
		if (signal.aborted) return {kind: 'quit'};
		print(indent(`FAIL ${started.message}`));
		print(`What to do: ${started.hint}`);
		const log = (started.log ?? '').split('\n').map(plainText).filter(line => line.trim().length > 0);
		for (const line of log.slice(-8)) print(`  ${line}`);
		const picked = await pick(lines, print, 'Try again? [r]etry / [q]uit', [['r', 'retry', '[r]etry']]);
		if (picked === 'quit') return {kind: 'quit'};
	}
}

/**
 * Answers, one line at a time, through node:readline. Lines that arrive before they are
 * asked for wait their turn (a script may pipe every answer at once). A secret is read
 * without echo on a terminal; from a pipe it is a plain line, and is never printed back.
 * onInterrupt (ctrl+c) returns true when it stopped something; otherwise the lesson ends.
 */
function openLines(input: NodeJS.ReadableStream & {isTTY?: boolean}, output: NodeJS.WritableStream, onInterrupt: () => boolean): Lines {
	const terminal = Boolean(input.isTTY);
	let muted = false;
	// On a terminal readline echoes what is typed through its output: muted while a secret is typed.
	const echo = new Writable({
		write(chunk: Buffer | string, _encoding, callback) {
			if (!muted) output.write(chunk);
			callback();
		},
	});
	const rl: Interface = createInterface({input, output: echo, terminal, crlfDelay: Number.POSITIVE_INFINITY});
	const queue: string[] = [];
	const waiting: ((answer: Answer) => void)[] = [];
	let ended = false;
	const end = (): void => {
		ended = true;
		for (const resolve of waiting.splice(0)) resolve({kind: 'end'});
	};
	rl.on('line', line => {
		const resolve = waiting.shift();
		if (resolve) resolve({kind: 'line', text: line});
		else queue.push(line);
	});
	rl.on('close', end);
	const interrupt = (): void => {
		if (onInterrupt()) return;
		output.write('\n');
		end();
	};
	// On a terminal readline turns ctrl+c into this event; from a pipe it is a signal to the process.
	rl.on('SIGINT', interrupt);
	process.on('SIGINT', interrupt);
	return {
		ask(prompt, {secret = false} = {}) {
			// Written as it is (rl.prompt() would first move the cursor and clear the line); on a
			// terminal readline redraws the prompt only when a line is edited, so it gets ours.
			rl.setPrompt(secret ? '' : prompt);
			output.write(prompt);
			if (queue.length > 0) {
				// An answer that came early (typed ahead, or piped): the next line is a new one.
				if (!terminal) output.write('\n');
				return Promise.resolve({kind: 'line', text: queue.shift()!});
			}
			if (ended) {
				output.write('\n');
				return Promise.resolve({kind: 'end'});
			}
			muted = secret && terminal;
			return new Promise<Answer>(resolve => {
				waiting.push(answer => {
					// A terminal ends the line itself, unless its echo was muted; a pipe never does.
					if (muted || !terminal) output.write('\n');
					muted = false;
					resolve(answer);
				});
			});
		},
		close() {
			process.off('SIGINT', interrupt);
			rl.close();
			end();
		},
	};
}
