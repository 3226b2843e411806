/**
 * The port between the driver and a face (the Ink app, or plain mode): what the driver shows
 * and asks, and what the face answers. The driver owns the order of things; a face only draws
 * and reads keys or lines. See docs/ARCHITECTURE.md, "The driver and its faces".
 */
import type {PreflightResult} from '../container/preflight.js';
import type {StepInput} from '../lesson/schema.js';
import type {OutputLine} from '../lesson/results.js';
import type {AvailableAction} from '../lesson-run/actions.js';
import type {RunState} from '../lesson-run/lesson-run.js';
import type {RegistryChoice, registryOptions} from './lab-vars.js';

/** An unfinished lesson, as offered for resuming. */
export type ResumeOfferView = {
	/** 1-based. */
	readonly step: number;
	readonly steps: number;
	readonly title: string;
	/** 'Docker Hub', the class registry's address, or 'the practice registry'. */
	readonly where: string;
	readonly username?: string;
};

/** A start-up question, and what answers it. */
export type Question =
	| {readonly kind: 'resume'; readonly offer: ResumeOfferView}
	| {readonly kind: 'registry'; readonly options: readonly RegistryOption[]}
	| {readonly kind: 'engine-problem'; readonly result: PreflightResult; readonly engineName: string}
	| {readonly kind: 'practice-problem'; readonly message: string; readonly hint: string; readonly log?: string}
	/** A Docker Hub class's join code, from the student's slip: a secret (masked, never echoed); `error` says why the last one was refused. */
	| {readonly kind: 'join-code'; readonly label: string; readonly help: string; readonly error?: string};

export type RegistryOption = (typeof registryOptions)[number];

export type AnswerOf<Q extends Question> = Q extends {kind: 'resume'}
	? 'resume' | 'start-over'
	: Q extends {kind: 'registry'}
		? RegistryChoice
		: Q extends {kind: 'join-code'}
			? string
			: 'retry';

/** Leaving: `q`, ctrl+c, or the end of the answers. */
export type Quit = {readonly quit: true};
export const quit: Quit = {quit: true};

/** One thing to pick from a list (an image on this computer, a classmate's repository). */
export type PickOption = {readonly value: string; readonly label: string};

/** A question of the lesson itself: a step's input. */
export type InputRequest = {
	readonly input: StepInput;
	/** The earlier step the answer was given at, when it is not this step's own (an earlier answer changed where it is used). */
	readonly from?: {readonly number: number; readonly title: string};
	/** Filled in. */
	readonly label: string;
	readonly help?: string;
	/** What Enter alone takes (never for a secret). */
	readonly defaultValue?: string;
	/** Why the last answer was refused. */
	readonly error?: string;
	readonly secret: boolean;
	/** A list to pick from; a name typed instead is taken too. The first option is the default. */
	readonly pick?: {readonly heading: string; readonly note?: string; readonly options: readonly PickOption[]};
};

/** What the face shows while the lesson runs: the state, and what the driver adds to it. */
export type LessonView = {
	readonly state: RunState;
	/** The command line as the student sees it (secrets masked), when the step has one. */
	readonly command: string | null;
	readonly engineName: string;
	/** Work under way that the state does not show (listing images, looking up a classmate). */
	readonly working?: string;
	/** What happened when the link was opened. */
	readonly linkNote?: string;
	/** The step's answers, as a reminder while the student types the command (secrets masked). */
	readonly answers: readonly string[];
};

/** What the student does in the lesson. */
export type Move =
	| {readonly name: 'answer'; readonly value: string}
	| {readonly name: 'typed'; readonly line: string}
	| {readonly name: Exclude<AvailableAction['name'], 'answer' | 'typed'>};

export type MoveRequest = {
	readonly view: LessonView;
	readonly actions: readonly AvailableAction[];
	/** Set in the input phase. */
	readonly input?: InputRequest;
};

/** How a line of news reads: something done, a notice, or a warning. */
export type SayTone = 'done' | 'note' | 'warning';

export type Port = {
	/** Something under way before the lesson (checking the engine, starting a registry); undefined: over. */
	working(label: string | undefined): void;
	/** Ask a start-up question. */
	ask<Q extends Question>(question: Q): Promise<AnswerOf<Q> | Quit>;
	/** Text to show once: a result of the start-up ('done'), a notice ('note', the default), or news the student should act on ('warning'). */
	say(text: string, tone?: SayTone): void;
	/** The lesson changed: draw it. */
	show(view: LessonView): void;
	/** Lines the engine printed while a command runs. */
	output(lines: readonly OutputLine[]): void;
	/** Wait for the student's next move; it must be one of `request.actions`. */
	move(request: MoveRequest): Promise<Move | Quit>;
};

export function isQuit(value: unknown): value is Quit {
	return typeof value === 'object' && value !== null && (value as Quit).quit === true;
}
