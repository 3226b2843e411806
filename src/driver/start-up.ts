import {practiceVars} from '../class/seed-classmate.js';
import type {Engine} from '../container/engine.js';
import {preflight} from '../container/preflight.js';
import type {Lesson} from '../lesson/schema.js';
import type {Vars} from '../lesson/template.js';
import {createHubClient, type HubClient} from '../registry/hub-client.js';
import type {PracticeRegistry, StartOptions, StartResult} from '../registry/practice-registry.js';
import {hostProblem} from '../registry/address.js';
import {joinCodeHelp, joinCodeLabel, joinCodeOf} from './join-code.js';
import {registryOfChoice, registryOptions, type RegistryChoice} from './lab-vars.js';
import {isQuit, quit, type AnswerOf, type Port, type Question, type Quit} from './port.js';
import {recheck} from './resume.js';
import {offeredRun, resumeOffer, unfinishedLine, type Resume, type SavedRun} from './saved-run.js';

/** How the lesson starts: where it pushes, the variables the start-up learned, and where it begins. */
export type Setup = {readonly choice: RegistryChoice; readonly host: string; readonly extra: Vars; readonly resume?: Resume};

export type StartUpOptions = {
	readonly lesson: Lesson;
	readonly engine: Engine;
	/** Chosen by a flag; asked when absent. */
	readonly choice?: RegistryChoice;
	readonly hub?: HubClient;
	/**
	 * The lesson's unfinished runs, the most recently updated first (savedRuns): the start names them,
	 * and offers to resume the one on the registry chosen by a flag, or with none the first.
	 */
	readonly runs?: readonly SavedRun[];
	/** This run is the one offered for resuming, after checking it still holds (a test going straight to the offer). */
	readonly saved?: SavedRun;
	/** Start at this step with these variables (a test going straight to a step). */
	readonly start?: Resume;
	readonly startPractice?: (options: StartOptions) => Promise<StartResult>;
	/**
	 * A Docker Hub class whose run holds no report token: the student is asked once, after the engine
	 * check, for the join code on their slip, and it is handed here (kept in memory only, never saved).
	 */
	readonly joinCode?: (code: string) => void;
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
	const {lesson, engine} = options;
	const runs = options.runs ?? (options.saved ? [options.saved] : []);
	const offered = options.saved ?? offeredRun(runs, options.choice);
	// The student hears of every unfinished run that is not offered; choosing another registry leaves them as they are.
	if (runs.some(run => run !== offered)) port.say(unfinishedLine(lesson, runs));
	let resumed = offered && (await offerToResume(port, lesson, offered, signal));
	if (resumed === null) return undefined;
	const picked = !resumed && options.choice === undefined;
	const choice = resumed ? resumed.choice : (options.choice ?? (await askRegistry(port, options, signal)));
	if (!choice) return undefined;
	// Asked where to push, the student may name a registry with an unfinished run of its own.
	const there = resumed || options.choice ? undefined : offeredRun(runs, choice);
	if (there && there !== offered) {
		resumed = await offerToResume(port, lesson, there, signal);
		if (resumed === null) return undefined;
	}
	// A Docker Hub chosen by a flag or a resumed run is warned about here; one picked on the start screen was, as it was picked.
	if (choice.kind === 'hub' && !picked) {
		const problem = await hubProblem(port, options, signal);
		if (problem)
			port.say(`${problem} To practise without Docker Hub, start again with --practice (a registry on this computer, no account needed).`, 'warning');
	}
	if (!(await checkEngine(port, engine, signal))) return undefined;
	if (options.joinCode) {
		const code = await askJoinCode(port, signal);
		if (code === undefined) return undefined;
		options.joinCode(code);
	}
	if (choice.kind === 'practice') return startPractice(port, options, signal, onPractice, resumed);
	if (resumed) {
		port.working('Checking that what you did last time still holds…');
		const resume = await recheck(lesson, engine, resumed, options.hub ? {hub: options.hub} : {});
		port.working(undefined);
		return signal.aborted ? undefined : {choice, host: registryOfChoice(choice), extra: {}, resume};
	}
	return {choice, host: registryOfChoice(choice), extra: {}, ...(options.start ? {resume: options.start} : {})};
}

/** The join code from the slip, asked until its shape is right (each refusal says why); undefined: the student left. */
async function askJoinCode(port: Port, signal: AbortSignal): Promise<string | undefined> {
	let error: string | undefined;
	for (;;) {
		const typed = await ask(port, {kind: 'join-code', label: joinCodeLabel, help: joinCodeHelp, ...(error ? {error} : {})}, signal);
		if (isQuit(typed)) return undefined;
		const read = joinCodeOf(typed);
		if (read.ok) return read.code;
		error = read.problem;
	}
}

/** The run, when the student resumes it; undefined: start over; null: the student left. */
async function offerToResume(port: Port, lesson: Lesson, run: SavedRun, signal: AbortSignal): Promise<SavedRun | undefined | null> {
	const answer = await ask(port, {kind: 'resume', offer: resumeOffer(lesson, run)}, signal);
	if (isQuit(answer)) return null;
	return answer === 'resume' ? run : undefined;
}

/**
 * Where to push; a class registry's address is checked by the face as it is typed (hostProblem), and again here.
 * Docker Hub is asked once whether it answers from here: when it does not, the student hears why and picks again
 * (the practice registry, or Docker Hub again to go on anyway).
 */
async function askRegistry(port: Port, options: StartUpOptions, signal: AbortSignal): Promise<RegistryChoice | undefined> {
	let warned = false;
	for (;;) {
		const choice = await ask(port, {kind: 'registry', options: registryOptions}, signal);
		if (isQuit(choice)) return undefined;
		if (choice.kind === 'class' && hostProblem(choice.host)) continue;
		if (choice.kind === 'hub' && !warned) {
			const problem = await hubProblem(port, options, signal);
			if (signal.aborted) return undefined;
			if (problem) {
				warned = true;
				port.say(`${problem} Pick the practice registry (on this computer, no account needed), or Docker Hub again to go on anyway.`, 'warning');
				continue;
			}
		}
		return choice;
	}
}

/** How long the start-up waits for Docker Hub before it says it cannot be reached. */
export const hubProbeMs = 3000;

/**
 * Whether Docker Hub's web API answers from here, asked once through the lab's own Hub client (any answer
 * about a user will do, found or not): undefined when it does, else a sentence saying why the lesson's
 * Docker Hub steps will not work.
 */
async function hubProblem(port: Port, options: StartUpOptions, signal: AbortSignal): Promise<string | undefined> {
	const hub = options.hub ?? createHubClient({timeoutMs: hubProbeMs, signal});
	port.working('Checking that Docker Hub can be reached from here…');
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<{status: 'late'}>(resolve => (timer = setTimeout(() => resolve({status: 'late'}), hubProbeMs)));
	const answer = await Promise.race([hub.userExists('docker').catch(() => ({status: 'unknown' as const, message: undefined})), late]);
	clearTimeout(timer);
	port.working(undefined);
	if (answer.status === 'exists' || answer.status === 'missing') return undefined;
	const reason =
		answer.status === 'late'
			? `Docker Hub did not answer within ${hubProbeMs / 1000} seconds.`
			: (answer.message?.replace(/^Could not check the Docker ID docker: /, '') ?? 'Docker Hub did not answer.');
	return `Docker Hub cannot be used from here right now: ${reason} Without it, the login, push and pull steps on Docker Hub will fail.`;
}

/** The lesson starts only when the engine works; else each problem, with its fix, until fixed or left. */
async function checkEngine(port: Port, engine: Engine, signal: AbortSignal): Promise<boolean> {
	for (;;) {
		port.working(`Checking ${engine.name} on this computer…`);
		const result = await preflight(engine, {signal});
		port.working(undefined);
		if (signal.aborted) return false;
		if (result.ok) {
			port.say(`${engine.name} works on this computer${result.serverVersion ? ` (engine version ${result.serverVersion})` : ''}.`, 'done');
			return true;
		}
		const answer = await ask(port, {kind: 'engine-problem', result, engineName: engine.name}, signal);
		if (isQuit(answer)) return false;
	}
}

/** A practice registry, with its pretend classmate; a practice run being resumed goes on with it, checked again against it. */
async function startPractice(
	port: Port,
	options: StartUpOptions,
	signal: AbortSignal,
	onPractice: (registry: PracticeRegistry) => void,
	resumed: SavedRun | undefined,
): Promise<Setup | undefined> {
	const {engine} = options;
	for (;;) {
		port.working('Starting a practice registry on this computer…');
		const started = await (options.startPractice ?? startPracticeRegistry)({engine, signal, accounts: [{username: 'student'}, {username: 'classmate'}]});
		port.working(undefined);
		if (started.ok) {
			onPractice(started);
			if (started.notice) port.say(started.notice);
			port.say(`The practice registry is running at ${started.host}.`, 'done');
			port.working('A pretend classmate is pushing an image for you to pull…');
			const extra = await practiceVars(engine, started, signal);
			port.working(undefined);
			if (signal.aborted) return undefined;
			const setup = {choice: {kind: 'practice'}, host: started.host, extra} as const;
			if (!resumed) return setup;
			port.working('Checking what of your last practice run still holds…');
			const resume = await recheck(options.lesson, engine, resumed, {practice: {host: started.host, extra}});
			port.working(undefined);
			return signal.aborted ? undefined : {...setup, resume};
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
