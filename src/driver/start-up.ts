import {practiceVars} from '../class/seed-classmate.js';
import type {Engine} from '../container/engine.js';
import {preflight} from '../container/preflight.js';
import type {Lesson} from '../lesson/schema.js';
import type {Vars} from '../lesson/template.js';
import type {HubClient} from '../registry/hub-client.js';
import type {PracticeRegistry, StartOptions, StartResult} from '../registry/practice-registry.js';
import {hostProblem} from '../registry/address.js';
import {registryOfChoice, registryOptions, type RegistryChoice} from './lab-vars.js';
import {isQuit, quit, type AnswerOf, type Port, type Question, type Quit} from './port.js';
import {recheck} from './resume.js';
import {resumeOffer, type Resume, type SavedRun} from './saved-run.js';

/** How the lesson starts: where it pushes, the variables the start-up learned, and where it begins. */
export type Setup = {readonly choice: RegistryChoice; readonly host: string; readonly extra: Vars; readonly resume?: Resume};

export type StartUpOptions = {
	readonly lesson: Lesson;
	readonly engine: Engine;
	/** Chosen by a flag; asked when absent. */
	readonly choice?: RegistryChoice;
	readonly hub?: HubClient;
	/** Saved progress of an unfinished run: offered for resuming, after checking it still holds. */
	readonly saved?: SavedRun;
	/** Start at this step with these variables (a test going straight to a step). */
	readonly start?: Resume;
	readonly startPractice?: (options: StartOptions) => Promise<StartResult>;
};

// bcryptjs and the registry runner load only when a practice registry is started.
const startPracticeRegistry = async (options: StartOptions): Promise<StartResult> =>
	(await import('../registry/practice-registry.js')).startPracticeRegistry(options);

/** Ask, unless the student is leaving: then the answer is quit at once. */
export async function ask<Q extends Question>(port: Port, question: Q, signal: AbortSignal): Promise<AnswerOf<Q> | Quit> {
	return untilLeaving(port.ask(question), signal);
}

/** A face's answer, or quit as soon as the student leaves (ctrl+c while the face waits). */
export function untilLeaving<T>(answer: Promise<T>, signal: AbortSignal): Promise<T | Quit> {
	if (signal.aborted) return Promise.resolve(quit);
	return new Promise(resolve => {
		const leave = (): void => resolve(quit);
		signal.addEventListener('abort', leave, {once: true});
		void answer.then(value => {
			signal.removeEventListener('abort', leave);
			resolve(value);
		});
	});
}

/**
 * Everything before the first step: the resume offer, where to push, whether the engine works,
 * re-checking a resumed run, and the practice registry. undefined: the student left.
 * `onPractice` receives a practice registry as soon as it runs, so it is stopped however the run ends.
 */
export async function startUp(
	port: Port,
	options: StartUpOptions,
	signal: AbortSignal,
	onPractice: (registry: PracticeRegistry) => void,
): Promise<Setup | undefined> {
	const {lesson, engine, saved} = options;
	let resuming = false;
	if (saved) {
		const answer = await ask(port, {kind: 'resume', offer: resumeOffer(lesson, saved)}, signal);
		if (isQuit(answer)) return undefined;
		resuming = answer === 'resume';
	}
	const choice = resuming && saved ? saved.choice : (options.choice ?? (await askRegistry(port, signal)));
	if (!choice || !(await checkEngine(port, engine, signal))) return undefined;
	if (resuming && saved && choice.kind !== 'practice') {
		port.working('Checking that what you did last time still holds…');
		const resume = await recheck(lesson, engine, saved, options.hub);
		port.working(undefined);
		return signal.aborted ? undefined : {choice, host: registryOfChoice(choice), extra: {}, resume};
	}
	if (choice.kind === 'practice') return startPractice(port, options, signal, onPractice);
	return {choice, host: registryOfChoice(choice), extra: {}, ...(options.start ? {resume: options.start} : {})};
}

/** Where to push; a class registry's address is checked by the face as it is typed (hostProblem), and again here. */
async function askRegistry(port: Port, signal: AbortSignal): Promise<RegistryChoice | undefined> {
	for (;;) {
		const choice = await ask(port, {kind: 'registry', options: registryOptions}, signal);
		if (isQuit(choice)) return undefined;
		if (choice.kind !== 'class' || !hostProblem(choice.host)) return choice;
	}
}

/** The lesson starts only when the engine works; else each problem, with its fix, until fixed or left. */
async function checkEngine(port: Port, engine: Engine, signal: AbortSignal): Promise<boolean> {
	for (;;) {
		port.working(`Checking ${engine.name} on this computer…`);
		const result = await preflight(engine, {signal});
		port.working(undefined);
		if (signal.aborted) return false;
		if (result.ok) {
			port.say(`${engine.name} works on this computer${result.serverVersion ? ` (engine version ${result.serverVersion})` : ''}.`);
			return true;
		}
		const answer = await ask(port, {kind: 'engine-problem', result, engineName: engine.name}, signal);
		if (isQuit(answer)) return false;
	}
}

async function startPractice(
	port: Port,
	options: StartUpOptions,
	signal: AbortSignal,
	onPractice: (registry: PracticeRegistry) => void,
): Promise<Setup | undefined> {
	const {engine} = options;
	for (;;) {
		port.working('Starting a practice registry on this computer…');
		const started = await (options.startPractice ?? startPracticeRegistry)({engine, signal, accounts: [{username: 'student'}, {username: 'classmate'}]});
		port.working(undefined);
		if (started.ok) {
			onPractice(started);
			if (started.notice) port.say(started.notice);
			port.say(`The practice registry is running at ${started.host}.`);
			port.working('A pretend classmate is pushing an image for you to pull…');
			const extra = await practiceVars(engine, started, signal);
			port.working(undefined);
			return signal.aborted ? undefined : {choice: {kind: 'practice'}, host: started.host, extra};
		}
		if (signal.aborted) return undefined;
		if (started.notice) port.say(started.notice);
		const answer = await ask(
			port,
			{kind: 'practice-problem', message: started.message, hint: started.hint, ...(started.log ? {log: started.log} : {})},
			signal,
		);
		if (isQuit(answer)) return undefined;
	}
}
