import {argsForEngine} from '../container/commands.js';
import {starterImageFor} from '../container/images.js';
import type {StepInput} from '../lesson/schema.js';
import {fill} from '../lesson/template.js';
import {availableActions, canDo} from '../lesson-run/actions.js';
import {
	currentQuestion,
	currentStep,
	displayCommand,
	pendingEffect,
	reduce,
	startRun,
	type Effect,
	type Event,
	type RunState,
} from '../lesson-run/lesson-run.js';
import {isHubUsername} from '../registry/hub-username.js';
import {openInBrowser} from '../run/open-in-browser.js';
import {answerEvent, answersShown, typedEvent} from './answers.js';
import {labVars, registryOfChoice, withLessonVars} from './lab-vars.js';
import {isQuit, type InputRequest, type LessonView, type Move, type MoveRequest, type PickOption, type Port, type SayTone} from './port.js';
import {runEffect} from './run-effect.js';
import {createLabServices, type LabServices, type ServiceOptions} from './services.js';
import {startUp, untilLeaving, type Setup, type StartUpOptions} from './start-up.js';

export type LabOptions = StartUpOptions & {
	readonly openUrl?: (url: string) => Promise<boolean>;
	/**
	 * Called when the lesson changes step or completes one (progress saving), once a step has passed: a run
	 * left before any step passed leaves nothing to resume. A sentence returned is a problem with saving:
	 * said once to the student, and the lesson goes on.
	 */
	readonly onProgress?: (state: RunState) => string | void;
	/** Called with each effect as it is carried out, in order: commands and checks. */
	readonly onEffect?: (effect: Effect) => void;
	/** Watches the run without changing it (a class's reports: `--class`). */
	readonly observer?: LabObserver;
	/** Told of each thing the lesson's commands made on this computer, for `registry-lab cleanup` (see services.ts). */
	readonly recordMade?: ServiceOptions['recordMade'];
};

/** Something that follows the run from outside: it sees every change and may say lines of news, never steer. */
export type LabObserver = {
	/** Said once as the lesson comes on screen, before the student does anything. */
	readonly notice?: string;
	/** The lesson is on screen: `say` tells the student a line of news. */
	started?(say: (text: string, tone?: SayTone) => void, state: RunState): void;
	/** The run changed from `previous` to `state`. */
	changed?(state: RunState, previous: RunState): void;
	/** The run is over, however it ended: awaited (the observer bounds its own time). */
	ended?(): Promise<void>;
};

export type LabSession = {
	/** How the lesson ended; never rejects. */
	readonly done: Promise<{finished: boolean}>;
	/** ctrl+c: stops the command that runs ('stopped'); without one, leaves the lesson ('leaving'). */
	interrupt(): 'stopped' | 'leaving';
	/** esc: stops the command that runs, if one does. */
	stop(): boolean;
	/** Leave now, whatever runs (the face went away). */
	leave(): void;
};

/** The value a face answers with to make the starter image instead of picking one. */
export const starterChoice = '\u0000starter';

/**
 * One run of a lesson, for any face: the start-up, then each step's effects and the student's
 * moves, saving as it goes; a practice registry it started is stopped however the run ends.
 * See docs/ARCHITECTURE.md, "The driver and its faces".
 */
export function startLab(port: Port, options: LabOptions): LabSession {
	const leaving = new AbortController();
	let running: AbortController | undefined;
	const session: LabSession = {
		done: run(),
		interrupt() {
			if (session.stop()) return 'stopped';
			session.leave();
			return 'leaving';
		},
		stop() {
			if (!running || running.signal.aborted) return false;
			running.abort();
			return true;
		},
		leave() {
			leaving.abort();
			running?.abort();
		},
	};
	return session;

	async function run(): Promise<{finished: boolean}> {
		let practice: {stop(): Promise<void>} | undefined;
		try {
			const setup = await startUp(port, options, leaving.signal, started => (practice = started));
			if (!setup) return {finished: false};
			return await driveLesson(port, options, setup, {
				signal: leaving.signal,
				runningCommand(controller) {
					running = controller;
				},
			});
		} catch (error) {
			// A fault of the lab itself: said once, and the lesson ends as left (nothing throws past the driver).
			port.say(`registry-lab stopped because of an error of its own: ${error instanceof Error ? error.message : String(error)}`, 'warning');
			return {finished: false};
		} finally {
			running = undefined;
			await options.observer?.ended?.().catch(() => undefined);
			if (practice) {
				port.working('Stopping the practice registry…');
				await practice.stop().catch(() => undefined);
				port.working(undefined);
			}
		}
	}
}

type Control = {
	/** Aborted when the student leaves. */
	readonly signal: AbortSignal;
	/** The command now running, which stop() aborts (undefined: none runs). */
	readonly runningCommand: (controller: AbortController | undefined) => void;
};

async function driveLesson(port: Port, options: LabOptions, setup: Setup, control: Control): Promise<{finished: boolean}> {
	const {lesson, engine} = options;
	const registry = registryOfChoice(setup.choice, setup.host);
	const services = createLabServices({
		engine,
		registry,
		registryKind: setup.choice.kind,
		...(options.hub ? {hub: options.hub} : {}),
		...(options.recordMade ? {recordMade: options.recordMade} : {}),
	});
	const {resume} = setup;
	const vars = {...withLessonVars(lesson, setup.choice.kind, {...labVars(setup.choice, setup.host, engine.name), ...setup.extra}), ...resume?.vars};
	const started = startRun(
		lesson,
		setup.choice.kind,
		vars,
		resume ? {stepId: resume.stepId, completed: resume.completed ?? [], ...(resume.notice ? {notice: resume.notice} : {})} : {},
	);
	// The generated practice password is shown once, but never saved.
	let state: RunState = {...started, secretNames: [...started.secretNames, 'practicePassword'], passedAt: keptTimes(resume?.passedAt, started.completed)};
	let working: string | undefined;
	let linkNote: string | undefined;
	let saved: RunState | undefined;
	let saveProblem: string | undefined;
	const save = (): void => {
		saved = state;
		// Until a step passes there is nothing worth resuming: nothing is written.
		if (state.completed.length === 0) return;
		const problem = options.onProgress?.(state);
		if (problem && problem !== saveProblem) port.say(problem, 'warning');
		saveProblem = problem || undefined;
	};

	const view = (): LessonView => ({
		state,
		command: displayCommand(state, engine.name, args => argsForEngine(engine, args, registry)),
		engineName: engine.name,
		answers: answersShown(state),
		...(working ? {working} : {}),
		...(linkNote ? {linkNote} : {}),
	});
	const show = (): void => port.show(view());
	const dispatch = (event: Event): void => {
		const before = state;
		state = reduce(state, event);
		state = withPassTime(state, before);
		if (state !== before) options.observer?.changed?.(state, before);
		if (state.index !== before.index) linkNote = undefined;
		if (state.vars !== before.vars) syncCredentials(services, state);
		if (!saved || saved.completed !== state.completed || saved.index !== state.index) save();
		show();
	};
	const busy = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
		working = label;
		show();
		try {
			return await work();
		} finally {
			working = undefined;
			show();
		}
	};

	syncCredentials(services, state);
	save();
	show();
	const {observer} = options;
	if (observer?.notice) port.say(observer.notice, 'note');
	observer?.started?.((text, tone) => port.say(text, tone), state);
	for (;;) {
		if (control.signal.aborted) return {finished: false};
		if (state.phase.name === 'finished') return {finished: true};
		const effect = pendingEffect(state);
		if (effect) {
			options.onEffect?.(effect);
			// A command can be stopped alone (esc, ctrl+c); leaving stops whatever runs.
			const controller = new AbortController();
			const stopIt = (): void => controller.abort();
			control.signal.addEventListener('abort', stopIt, {once: true});
			if (effect.kind === 'command') control.runningCommand(controller);
			const event = await runEffect(effect, services, {
				signal: controller.signal,
				onOutput(lines) {
					port.output(lines);
					dispatch({type: 'output', lines});
				},
			}).finally(() => {
				control.runningCommand(undefined);
				control.signal.removeEventListener('abort', stopIt);
			});
			if (control.signal.aborted) return {finished: false};
			dispatch(event);
			continue;
		}
		const request = await moveRequest(state, services, busy);
		if (control.signal.aborted) return {finished: false};
		const move = await untilLeaving(port.move({view: view(), ...request}), control.signal);
		if (isQuit(move) || move.name === 'quit') return {finished: false};
		if (!canDo(state, move.name)) continue;
		const event = await eventFor(move, state, request.input, {services, port, busy, control, view});
		if (event === 'quit') return {finished: false};
		if (event === 'link') {
			linkNote = 'Opening your browser…';
			show();
			const step = currentStep(state);
			const url = step?.link ? fill(step.link.url, state.vars) : '';
			const opened = await (options.openUrl ?? openInBrowser)(url);
			linkNote = opened ? 'Opened in your browser.' : 'No browser could be opened here: copy the address into a browser yourself.';
			show();
		} else if (event) dispatch(event);
		else show();
	}
}

function syncCredentials(services: LabServices, state: RunState): void {
	const {username, password} = state.vars;
	services.setSessionCredentials(username && password ? {username, password} : undefined);
}

type Busy = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/** What the student is asked now: the actions, and for an input, the question (with a list to pick from where there is one). */
async function moveRequest(state: RunState, services: LabServices, busy: Busy): Promise<Omit<MoveRequest, 'view'>> {
	const actions = availableActions(state);
	const question = currentQuestion(state);
	const input = question?.input;
	if (!question || !input || state.phase.name !== 'input') return {actions};
	const owner = question.step === state.index ? undefined : state.steps[question.step];
	const from = owner ? {from: {number: question.step + 1, title: fill(owner.title, state.vars)}} : {};
	const request = {...inputRequest(state, input, services), ...from};
	if (input.kind !== 'local-image') return {actions, input: request};
	const {engine} = services;
	const listed = await busy(`Running ${engine.name} images…`, () => services.listImages(engine));
	const all = listed.ok ? listed.value : [];
	// The starter image is made once per author and used from then on (makeStarterImage): offered once, first.
	const starterImageName = starterImageFor(state.vars.username ?? '');
	const starterHere = all.some(image => image.reference === starterImageName);
	const images = all.filter(image => image.reference !== starterImageName);
	const options: PickOption[] = [
		{
			value: starterChoice,
			label: starterHere
				? `Use the starter image (${starterImageName}, made earlier on this computer)`
				: `Make a small starter image (${starterImageName}, a few bytes, no download)`,
		},
		...images.map(image => ({value: image.reference, label: `${image.reference}  ${image.id}  ${image.size}`})),
	];
	const note = !listed.ok
		? `Could not list the images: ${listed.output || `${engine.name} images failed`}`
		: all.length === 0
			? 'You have no images yet. A starter image is a tiny image made on this computer, so you have something of your own to push.'
			: undefined;
	return {actions, input: {...request, pick: {heading: request.label, options, ...(note ? {note} : {})}}};
}

function inputRequest(state: RunState, input: StepInput, services: LabServices): InputRequest {
	const {vars, phase} = state;
	const secret = input.kind === 'secret';
	const draft = phase.name === 'input' ? phase.draft : undefined;
	const fallback = secret ? undefined : (draft ?? vars[input.id] ?? (input.default === undefined ? undefined : fill(input.default, vars)));
	const error = phase.name === 'input' ? phase.error : undefined;
	const lookup =
		input.kind === 'reference' && services.registryKind === 'hub'
			? 'A full image name, or just your classmate’s Docker Hub username to see their repositories.'
			: undefined;
	const help = input.help === undefined ? lookup : fill(input.help, vars);
	return {
		input,
		label: fill(input.label, vars),
		secret,
		...(help === undefined ? {} : {help}),
		...(fallback === undefined ? {} : {defaultValue: fallback}),
		...(error ? {error} : {}),
	};
}

type MoveContext = {readonly services: LabServices; readonly port: Port; readonly busy: Busy; readonly control: Control; readonly view: () => LessonView};

/** The event a move makes, after any work it needs (making the starter image, looking up a classmate); 'link': open the link. */
async function eventFor(move: Move, state: RunState, input: InputRequest | undefined, context: MoveContext): Promise<Event | 'link' | 'quit' | undefined> {
	switch (move.name) {
		case 'answer':
			return answer(move.value, state, input, context);
		case 'typed':
			// The escapes work in both faces; !open is the one that is not an event of the lesson.
			return move.line.trim().toLowerCase() === '!open' && canDo(state, 'open-link') ? 'link' : typedEvent(state, move.line, context.services);
		case 'hint':
			return typedEvent(state, '', context.services);
		case 'run':
			return {type: 'run'};
		case 'type':
			return {type: 'toggle-typing'};
		case 'check':
			return {type: 'check-only'};
		case 'edit':
			return {type: 'edit'};
		case 'retry':
			return {type: 'retry'};
		case 'take':
			return {type: 'take'};
		case 'skip':
			return {type: 'skip'};
		case 'did':
			return {type: 'toggle-did'};
		case 'next':
			return {type: 'next'};
		case 'open-link':
			return 'link';
		case 'stop':
		case 'quit':
			return undefined;
		default:
			// Every action of availableActions has its event here: a new one that is not fails to compile.
			return move satisfies never;
	}
}

async function answer(value: string, state: RunState, request: InputRequest | undefined, context: MoveContext): Promise<Event | 'quit'> {
	const input = request?.input;
	const {services, busy} = context;
	if (input?.kind === 'local-image' && value === starterChoice) {
		const author = state.vars.username ?? '';
		const made = await busy(`Making ${starterImageFor(author)} (one small text file, no download)…`, () =>
			services.makeStarterImage(services.engine, author),
		);
		return made.ok ? {type: 'submit-input', value: made.value} : {type: 'reject-input', message: `Could not make the starter image: ${made.output}`};
	}
	// On Docker Hub, a classmate's username alone lists their public repositories to pick from.
	if (input?.kind === 'reference' && services.registryKind === 'hub' && !request?.pick && isHubUsername(value.trim())) {
		const picked = await pickRepository(value.trim(), state, request!, context);
		return picked === undefined ? 'quit' : answerEvent(input, picked);
	}
	return answerEvent(input, value);
}

async function pickRepository(user: string, state: RunState, request: InputRequest, context: MoveContext): Promise<string | undefined> {
	const {services, busy, port, control} = context;
	const found = await busy(`Looking up ${user}'s public repositories on Docker Hub…`, () => services.hub.listRepositories(user));
	const repositories = found.ok ? found.repositories.filter(repository => !repository.isPrivate) : [];
	if (repositories.length === 0) return user;
	const options: PickOption[] = [
		...repositories.map(repository => ({
			value: `${repository.namespace}/${repository.name}`,
			label: `${repository.namespace}/${repository.name}${repository.description ? `  — ${repository.description}` : ''}`,
		})),
		{value: user, label: `The official image '${user}' (library/${user})`},
	];
	const pick = {heading: `${user}'s public repositories`, note: 'No tag means latest.', options};
	const move = await untilLeaving(port.move({view: context.view(), actions: availableActions(state), input: {...request, pick}}), control.signal);
	if (isQuit(move) || move.name !== 'answer') return undefined;
	return move.value;
}

/** The times of a resumed run's steps that are still completed (a step to do again passes anew). */
function keptTimes(passedAt: Readonly<Record<string, string>> | undefined, completed: readonly string[]): Readonly<Record<string, string>> {
	return Object.fromEntries(Object.entries(passedAt ?? {}).filter(([id]) => completed.includes(id)));
}

/** A step that has just been completed for the first time in this run gets the time (the pull step's is the completion code's). */
function withPassTime(state: RunState, before: RunState): RunState {
	if (state.completed === before.completed) return state;
	const passed = state.completed.filter(id => !before.completed.includes(id) && !state.passedAt?.[id]);
	if (passed.length === 0) return state;
	const now = new Date().toISOString();
	return {...state, passedAt: {...state.passedAt, ...Object.fromEntries(passed.map(id => [id, now]))}};
}
