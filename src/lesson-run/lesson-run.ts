import type {Check, Lesson, RegistryKind, Step, StepInput} from '../lesson/schema.js';
import type {CheckResult, CommandOutcome, Diagnosis, OutputLine} from '../lesson/results.js';
import {stepsFor} from '../lesson/steps.js';
import {fill, fillDeep, type Vars} from '../lesson/template.js';

export type Failure = {
	readonly stage: 'input' | 'before' | 'command' | 'check';
	readonly summary: string;
	readonly detail?: string;
	readonly diagnosis?: Diagnosis;
};

export type Phase =
	| {readonly name: 'input'; readonly index: number; readonly error?: string; readonly draft?: string}
	| {readonly name: 'ready'}
	| {readonly name: 'before'}
	| {readonly name: 'running'}
	| {readonly name: 'checking'; readonly selfRun: boolean}
	| {readonly name: 'passed'; readonly result?: CheckResult}
	| {readonly name: 'failed'; readonly failure: Failure}
	| {readonly name: 'canceled'}
	| {readonly name: 'finished'};

export type StepStats = {readonly attempts: number; readonly hints: number};

export type RunState = {
	readonly lesson: Lesson;
	readonly registryKind: RegistryKind;
	/** The lesson's steps that apply to this kind of registry, in order. */
	readonly steps: readonly Step[];
	readonly index: number;
	readonly vars: Vars;
	/** Names of variables that hold secrets: never shown, never saved. */
	readonly secretNames: readonly string[];
	readonly phase: Phase;
	/** Output of the running or last command (bounded). */
	readonly output: readonly OutputLine[];
	readonly completed: readonly string[];
	readonly stats: Readonly<Record<string, StepStats>>;
	/** Why the run came back to an earlier step, when it did. */
	readonly notice?: string;
	/** On a command step: the student types the command (true) or lets the lab run it. */
	readonly typing: boolean;
	/** How many hints were asked for on this step, and the feedback on the last typed line or hint. */
	readonly hintLevel: number;
	readonly feedback?: string;
	/** Whether the feedback is a hint the student asked for, or why their line was not run. */
	readonly feedbackKind?: 'hint' | 'refused';
};

export type Event =
	| {readonly type: 'submit-input'; readonly value: string}
	| {readonly type: 'reject-input'; readonly message: string; readonly value?: string}
	| {readonly type: 'back'}
	| {readonly type: 'run'}
	| {readonly type: 'check-only'}
	| {readonly type: 'before-done'; readonly result: CheckResult}
	| {readonly type: 'output'; readonly lines: readonly OutputLine[]}
	| {readonly type: 'command-done'; readonly outcome: CommandOutcome}
	| {readonly type: 'check-done'; readonly result: CheckResult}
	| {readonly type: 'retry'}
	| {readonly type: 'edit'}
	| {readonly type: 'next'}
	| {readonly type: 'go-to'; readonly stepId: string; readonly notice?: string}
	| {readonly type: 'set-vars'; readonly vars: Vars}
	| {readonly type: 'toggle-typing'}
	| {readonly type: 'typed-mismatch'; readonly message: string}
	| {readonly type: 'hint'; readonly message: string};

/** The effect a phase asks for, with every template filled in. */
export type Effect =
	| {readonly kind: 'before'; readonly checks: readonly Check[]}
	| {readonly kind: 'command'; readonly args: readonly string[]; readonly stdin?: string; readonly timeoutMs: number; readonly progress: 'lines' | 'layers'}
	| {readonly kind: 'check'; readonly check: Check};

export const maxOutputLines = 500;

export function startRun(
	lesson: Lesson,
	registryKind: RegistryKind,
	vars: Vars,
	options: {completed?: readonly string[]; stats?: RunState['stats']; stepId?: string; notice?: string} = {},
): RunState {
	const steps = stepsFor(lesson, registryKind);
	const secretNames = steps.flatMap(step => step.inputs.filter(input => input.kind === 'secret').map(input => input.id));
	const found = options.stepId ? steps.findIndex(step => step.id === options.stepId) : 0;
	const index = Math.max(0, found);
	const base: RunState = {
		lesson,
		registryKind,
		steps,
		index,
		vars,
		secretNames,
		phase: {name: 'ready'},
		output: [],
		completed: options.completed ?? [],
		stats: options.stats ?? {},
		typing: false,
		hintLevel: 0,
	};
	const started = enterStep(base, index);
	return options.notice ? {...started, notice: options.notice} : started;
}

export function currentStep(state: RunState): Step | undefined {
	return state.steps[state.index];
}

function enterStep(state: RunState, index: number): RunState {
	const step = state.steps[index];
	if (!step) return {...state, index: state.steps.length, phase: {name: 'finished'}, output: []};
	const phase: Phase = step.inputs.length > 0 ? {name: 'input', index: 0} : {name: 'ready'};
	// The first command is shown and run for the student; after that they type each one themselves.
	const firstCommand = state.steps.findIndex(candidate => candidate.command);
	const typing = Boolean(step.command) && firstCommand >= 0 && index > firstCommand;
	return {...state, index, phase, output: [], typing, hintLevel: 0, feedback: undefined};
}

function afterInputs(state: RunState, step: Step): RunState {
	const vars = derive(step, state.vars);
	if (step.command) return {...state, vars, phase: {name: 'ready'}};
	if (step.check) return bump({...state, vars, phase: {name: 'checking', selfRun: false}}, step.id);
	return {...state, vars, phase: {name: 'ready'}};
}

function derive(step: Step, vars: Vars): Vars {
	let next = vars;
	for (const [name, template] of Object.entries(step.derive)) next = {...next, [name]: fill(template, next)};
	return next;
}

function bump(state: RunState, stepId: string, what: keyof StepStats = 'attempts'): RunState {
	const previous = state.stats[stepId] ?? {attempts: 0, hints: 0};
	return {...state, stats: {...state.stats, [stepId]: {...previous, [what]: previous[what] + 1}}};
}

function pass(state: RunState, step: Step, result?: CheckResult): RunState {
	const vars = result?.facts ? {...state.vars, ...result.facts} : state.vars;
	const completed = state.completed.includes(step.id) ? state.completed : [...state.completed, step.id];
	return {...state, vars, completed, phase: {name: 'passed', result}};
}

export function reduce(state: RunState, event: Event): RunState {
	const step = currentStep(state);
	if (event.type === 'set-vars') return {...state, vars: {...state.vars, ...event.vars}};
	if (event.type === 'go-to') {
		const index = state.steps.findIndex(candidate => candidate.id === event.stepId);
		if (index < 0) return state;
		const completed = state.completed.filter(id => state.steps.findIndex(candidate => candidate.id === id) < index);
		return {...enterStep({...state, completed}, index), notice: event.notice};
	}
	if (!step) return state;
	const phase = state.phase;
	switch (event.type) {
		case 'submit-input': {
			if (phase.name !== 'input') return state;
			const input = step.inputs[phase.index];
			if (!input) return state;
			const vars = {...state.vars, [input.id]: event.value};
			const nextIndex = phase.index + 1;
			if (nextIndex < step.inputs.length) return {...state, vars, phase: {name: 'input', index: nextIndex}, notice: undefined};
			return afterInputs({...state, vars, notice: undefined}, step);
		}
		case 'reject-input':
			// Keep what was typed, so the student fixes it instead of typing it all again.
			return phase.name === 'input'
				? {...state, phase: {...phase, error: event.message, ...(event.value === undefined ? {} : {draft: event.value})}}
				: state;
		case 'back':
			if (phase.name === 'input' && phase.index > 0) return {...state, phase: {name: 'input', index: phase.index - 1}};
			return state;
		case 'run': {
			if (phase.name !== 'ready') return state;
			// A step with nothing to run or check is read, then left.
			if (!step.command && !step.check) return enterStep(pass(state, step), state.index + 1);
			if (!step.command) return bump({...state, phase: {name: 'checking', selfRun: false}}, step.id);
			const counted = {...bump(state, step.id), feedback: undefined};
			if (step.before.length > 0) return {...counted, phase: {name: 'before'}, output: []};
			return {...counted, phase: {name: 'running'}, output: []};
		}
		case 'check-only':
			if ((phase.name === 'ready' || phase.name === 'failed' || phase.name === 'canceled') && step.check) {
				return bump({...state, phase: {name: 'checking', selfRun: true}}, step.id);
			}
			return state;
		case 'before-done':
			if (phase.name !== 'before') return state;
			if (!event.result.ok) return {...state, phase: {name: 'failed', failure: {stage: 'before', ...failureOf(event.result)}}};
			return {...state, phase: {name: 'running'}};
		case 'output': {
			if (phase.name !== 'running') return state;
			const output = [...state.output, ...event.lines];
			return {...state, output: output.length > maxOutputLines ? output.slice(-maxOutputLines) : output};
		}
		case 'command-done': {
			if (phase.name !== 'running') return state;
			const {outcome} = event;
			if (outcome.canceled) return {...state, phase: {name: 'canceled'}};
			if (outcome.exitCode === 0) {
				if (step.check) return {...state, phase: {name: 'checking', selfRun: false}};
				return pass(state, step);
			}
			const summary = outcome.timedOut
				? 'The command took too long and was stopped.'
				: outcome.spawnError
					? `The command could not be started (${outcome.spawnError}).`
					: `The command failed (exit code ${outcome.exitCode ?? 'none'}).`;
			return {...state, phase: {name: 'failed', failure: {stage: 'command', summary, detail: outcome.output, diagnosis: outcome.diagnosis}}};
		}
		case 'check-done':
			if (phase.name !== 'checking') return state;
			if (event.result.ok) return pass(state, step, event.result);
			return {...state, phase: {name: 'failed', failure: {stage: 'check', ...failureOf(event.result)}}};
		case 'retry':
			if (phase.name === 'failed' || phase.name === 'canceled') return {...state, phase: {name: 'ready'}};
			return state;
		case 'edit':
			if ((phase.name === 'failed' || phase.name === 'ready' || phase.name === 'canceled') && step.inputs.length > 0) {
				return {...state, phase: {name: 'input', index: 0}};
			}
			return state;
		case 'next':
			if (phase.name === 'passed') return enterStep(state, state.index + 1);
			return state;
		case 'toggle-typing':
			return step.command && phase.name === 'ready' ? {...state, typing: !state.typing, feedback: undefined} : state;
		case 'typed-mismatch':
			return phase.name === 'ready' ? {...bump(state, step.id), feedback: event.message, feedbackKind: 'refused'} : state;
		case 'hint':
			return phase.name === 'ready'
				? {...bump(state, step.id, 'hints'), hintLevel: state.hintLevel + 1, feedback: event.message, feedbackKind: 'hint'}
				: state;
	}
}

function failureOf(result: CheckResult): Omit<Failure, 'stage'> {
	return {summary: result.summary, detail: result.detail, diagnosis: result.diagnosis};
}

/** The work the current phase waits for, or null when it waits for the student. */
export function pendingEffect(state: RunState): Effect | null {
	const step = currentStep(state);
	if (!step) return null;
	const {vars} = state;
	switch (state.phase.name) {
		case 'before':
			return {kind: 'before', checks: step.before.map(check => fillDeep(check, vars))};
		case 'running': {
			const command = step.command!;
			const args = commandArgs(step, vars);
			return {
				kind: 'command',
				args,
				timeoutMs: command.timeoutSeconds * 1000,
				progress: command.progress,
				...(command.stdin === undefined ? {} : {stdin: fill(command.stdin, vars)}),
			};
		}
		case 'checking':
			return step.check ? {kind: 'check', check: fillDeep(step.check, vars)} : null;
		default:
			return null;
	}
}

/** The arguments a command step runs, filled in; an argument that fills in empty is left out. */
export function commandArgs(step: Step, vars: Vars): string[] {
	return (step.command?.args ?? []).map(arg => fill(arg, vars)).filter(arg => arg.length > 0);
}

/** The command line as the student should see it: secrets masked. */
export function displayCommand(state: RunState, engineName: string, adapt: (args: string[]) => string[] = args => args): string | null {
	const step = currentStep(state);
	if (!step?.command) return null;
	const masked: Record<string, string> = {...state.vars};
	for (const name of state.secretNames) masked[name] = '********';
	const args = step.command.args.map(arg => fill(arg, masked, `<${placeholderName(arg)}>`)).filter(arg => arg.length > 0);
	return [engineName, ...adapt(args).map(quoteForDisplay)].join(' ');
}

function placeholderName(arg: string): string {
	return /\{([a-zA-Z0-9]+)\}/.exec(arg)?.[1] ?? 'value';
}

/** Quote an argument the way a POSIX shell would need it (display only: nothing is run through a shell). */
export function quoteForDisplay(arg: string): string {
	if (/^[\w@%+=:,./<>-]+$/.test(arg)) return arg;
	return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function currentInput(state: RunState): StepInput | undefined {
	const step = currentStep(state);
	return state.phase.name === 'input' ? step?.inputs[state.phase.index] : undefined;
}
