import type {Check, Lesson, RegistryKind, Step, StepInput} from '../lesson/schema.js';
import type {CheckResult, CommandOutcome, Diagnosis, OutputLine} from '../lesson/results.js';
import {stepsFor} from '../lesson/steps.js';
import {fill, fillDeep, variablesIn, variablesInDeep, type Vars} from '../lesson/template.js';

export type Failure = {
	readonly stage: 'input' | 'before' | 'command' | 'check';
	readonly summary: string;
	readonly detail?: string;
	readonly diagnosis?: Diagnosis;
	/** The check could not be made (Docker Hub could not be reached): "could not check", not a fail. */
	readonly couldNotCheck?: boolean;
	/** With couldNotCheck: the student may go on without it (skip). */
	readonly mayGoOn?: boolean;
	/** What the check did (the read-only command or request, and what came back), for a student who asks. */
	readonly did?: string;
	/** An answer the check found that would make it pass (take): the variable, and the value to give it. */
	readonly take?: {readonly name: string; readonly value: string};
};

/** One question of an input phase: the input `input` of the step at `step` (both indexes into the run's steps). */
export type Asked = {readonly step: number; readonly input: number};

export type Phase =
	| {
			readonly name: 'input';
			readonly index: number;
			readonly error?: string;
			readonly draft?: string;
			/** The questions, when they are not the step's own inputs in order: earlier answers to change, a password asked again. */
			readonly asking?: readonly Asked[];
			/** Earlier steps' answers changed so far in this round of questions. */
			readonly changed?: readonly string[];
	  }
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
	/** Steps gone past without their check (it could not be made: skip); not passed, said as not checked. */
	readonly skipped?: readonly string[];
	readonly stats: Readonly<Record<string, StepStats>>;
	/** Step id → when it first passed in this run (ISO 8601); kept by the driver, which has the clock. */
	readonly passedAt?: Readonly<Record<string, string>>;
	/** Why the run came back to an earlier step, when it did. */
	readonly notice?: string;
	/** Steps to do again because an earlier answer changed: their answers are given, so each starts ready. */
	readonly again?: readonly string[];
	/** On a command step: the student types the command (true) or lets the lab run it. */
	readonly typing: boolean;
	/** How many hints were asked for on this step, and the feedback on the last typed line or hint. */
	readonly hintLevel: number;
	readonly feedback?: string;
	/** Whether the feedback is a hint the student asked for, or why their line was not run. */
	readonly feedbackKind?: 'hint' | 'refused';
	/** The student asked to see what the step's check did (the `did` action); until the step changes. */
	readonly showDid?: boolean;
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
	| {readonly type: 'take'}
	| {readonly type: 'skip'}
	| {readonly type: 'toggle-did'}
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
	// A step done again has its answers given: it starts ready (they can still be changed).
	const given = Boolean(state.again?.includes(step.id)) && step.inputs.every(input => state.vars[input.id] !== undefined);
	const phase: Phase = step.inputs.length > 0 && !given ? {name: 'input', index: 0} : {name: 'ready'};
	// The first command is shown and run for the student; after that they type each one themselves.
	const firstCommand = state.steps.findIndex(candidate => candidate.command);
	const typing = Boolean(step.command) && firstCommand >= 0 && index > firstCommand;
	return {...state, index, phase, output: [], typing, hintLevel: 0, feedback: undefined, showDid: undefined};
}

/** The step after this one that is still to do: a step passed before (the run came back to redo an earlier one) is passed over. */
function followingIndex(state: RunState): number {
	let next = state.index + 1;
	while (next < state.steps.length && state.completed.includes(state.steps[next]!.id)) next += 1;
	return next;
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
	const again = state.again?.filter(id => id !== step.id);
	const skipped = state.skipped?.filter(id => id !== step.id);
	return {
		...state,
		vars,
		completed,
		phase: {name: 'passed', result},
		again: again?.length ? again : undefined,
		skipped: skipped?.length ? skipped : undefined,
	};
}

export function reduce(state: RunState, event: Event): RunState {
	const step = currentStep(state);
	if (event.type === 'set-vars') return {...state, vars: {...state.vars, ...event.vars}};
	if (event.type === 'go-to') {
		const index = state.steps.findIndex(candidate => candidate.id === event.stepId);
		if (index < 0) return state;
		const completed = state.completed.filter(id => state.steps.findIndex(candidate => candidate.id === id) < index);
		return {...enterStep({...state, completed, again: undefined}, index), notice: event.notice};
	}
	if (!step) return state;
	const phase = state.phase;
	switch (event.type) {
		case 'submit-input': {
			if (phase.name !== 'input') return state;
			const questions = questionsOf(state, phase);
			const asked = questions[phase.index];
			const input = asked && state.steps[asked.step]?.inputs[asked.input];
			if (!asked || !input) return state;
			const earlier = asked.step !== state.index && state.vars[input.id] !== event.value;
			const changed = earlier ? [...(phase.changed ?? []), input.id] : (phase.changed ?? []);
			const vars = {...state.vars, [input.id]: event.value};
			const nextIndex = phase.index + 1;
			if (nextIndex < questions.length) {
				const next: Phase = {
					name: 'input',
					index: nextIndex,
					...(phase.asking ? {asking: phase.asking} : {}),
					...(changed.length > 0 ? {changed} : {}),
				};
				return {...state, vars, phase: next, notice: undefined};
			}
			const answered = {...state, vars, notice: undefined};
			return changed.length > 0 ? afterChange(answered, changed, changedState => afterInputs(changedState, step)) : afterInputs(answered, step);
		}
		case 'reject-input':
			// Keep what was typed, so the student fixes it instead of typing it all again.
			return phase.name === 'input'
				? {...state, phase: {...phase, error: event.message, ...(event.value === undefined ? {} : {draft: event.value})}}
				: state;
		case 'back':
			if (phase.name === 'input' && phase.index > 0) {
				return {
					...state,
					phase: {
						name: 'input',
						index: phase.index - 1,
						...(phase.asking ? {asking: phase.asking} : {}),
						...(phase.changed ? {changed: phase.changed} : {}),
					},
				};
			}
			return state;
		case 'run': {
			if (phase.name !== 'ready') return state;
			// A step with nothing to run or check is read, then left.
			if (!step.command && !step.check) {
				const passed = pass(state, step);
				return enterStep(passed, followingIndex(passed));
			}
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
			if (!event.result.ok) {
				return {...state, phase: {name: 'failed', failure: {stage: 'before', ...failureOf(event.result), ...takeOf(state, step.before, event.result)}}};
			}
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
			return {
				...state,
				phase: {
					name: 'failed',
					failure: {
						stage: 'check',
						...failureOf(event.result),
						...takeOf(
							state,
							[step.check].flatMap(check => check ?? []),
							event.result,
						),
					},
				},
			};
		case 'retry':
			// Sending the same wrong password again cannot work: it is asked for again (a network failure is simply run again).
			if (phase.name === 'failed' && asksSecretAgain(step, phase.failure)) {
				const asking = step.inputs.flatMap((input, position) => (input.kind === 'secret' ? [{step: state.index, input: position}] : []));
				const secrets = new Set(asking.map(asked => step.inputs[asked.input]!.id));
				const vars = Object.fromEntries(Object.entries(state.vars).filter(([name]) => !secrets.has(name)));
				return {...state, vars, phase: {name: 'input', index: 0, asking}};
			}
			if (phase.name === 'failed' || phase.name === 'canceled') return {...state, phase: {name: 'ready'}};
			return state;
		case 'edit': {
			if (phase.name !== 'failed' && phase.name !== 'ready' && phase.name !== 'canceled') return state;
			const asking = editableAnswers(state, state.index);
			if (asking.length === 0) return state;
			const own = asking.every(asked => asked.step === state.index);
			return {...state, phase: {name: 'input', index: 0, ...(own ? {} : {asking})}};
		}
		case 'take': {
			if (phase.name !== 'failed' || !phase.failure.take) return state;
			const {name, value} = phase.failure.take;
			// Taken, the check runs again: what it found now matches. Taken before the command ran, the step is ready to run it.
			const before = phase.failure.stage === 'before';
			const recheck = (changed: RunState): RunState =>
				step.check && !before ? bump({...changed, phase: {name: 'checking', selfRun: true}}, step.id) : {...changed, phase: {name: 'ready'}};
			return afterChange({...state, vars: {...state.vars, [name]: value}}, [name], recheck);
		}
		case 'skip':
			if (phase.name === 'failed' && phase.failure.couldNotCheck && phase.failure.mayGoOn) {
				return enterStep({...state, skipped: [...(state.skipped ?? []).filter(id => id !== step.id), step.id]}, followingIndex(state));
			}
			return state;
		case 'toggle-did':
			return checkDid(phase) ? {...state, showDid: !state.showDid} : state;
		case 'next':
			if (phase.name === 'passed') return enterStep(state, followingIndex(state));
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

/** What the check of this phase did, when it told: a passed check's, or a failed (or unchecked) one's. */
export function checkDid(phase: Phase): string | undefined {
	if (phase.name === 'passed') return phase.result?.did;
	return phase.name === 'failed' ? phase.failure.did : undefined;
}

function failureOf(result: CheckResult): Omit<Failure, 'stage'> {
	return {
		summary: result.summary,
		detail: result.detail,
		diagnosis: result.diagnosis,
		...(result.did ? {did: result.did} : {}),
		...(result.couldNotCheck ? {couldNotCheck: true, ...(result.mayGoOn ? {mayGoOn: true} : {})} : {}),
	};
}

/**
 * What a failed check found instead, as an answer to take: only when the check's field is filled from one
 * variable alone, and that variable is an answer the student gave (never a value the lab sets). `checks`: the
 * step's check, or its before checks (the field must name the same variable in each of them that has it).
 */
function takeOf(state: RunState, checks: readonly Check[], result: CheckResult): Pick<Failure, 'take'> {
	const {suggestion} = result;
	const templates: unknown[] = suggestion ? checks.map(check => (check as Record<string, unknown>)[suggestion.field]).filter(Boolean) : [];
	const names = new Set(templates.map(template => (typeof template === 'string' ? /^\{([a-zA-Z][a-zA-Z0-9]*)\}$/.exec(template)?.[1] : undefined)));
	const name = names.size === 1 ? [...names][0] : undefined;
	if (!suggestion || !name || state.vars[name] === suggestion.value) return {};
	const answered = state.steps.slice(0, state.index + 1).some(candidate => candidate.inputs.some(input => input.id === name && input.kind !== 'secret'));
	return answered ? {take: {name, value: suggestion.value}} : {};
}

/** After a wrong username or password (the engine's diagnosis says so), trying again asks for the step's secret again. */
export function asksSecretAgain(step: Step, failure: Failure): boolean {
	return failure.stage === 'command' && failure.diagnosis?.cause === 'login-failed' && step.inputs.some(input => input.kind === 'secret');
}

/** The questions of an input phase, in order. */
function questionsOf(state: RunState, phase: Extract<Phase, {name: 'input'}>): readonly Asked[] {
	return phase.asking ?? currentStep(state)?.inputs.map((_, input) => ({step: state.index, input})) ?? [];
}

/** The variables a step acts or checks with: its command, before checks, check and derived variables (not its text). */
function usedBy(step: Step): string[] {
	return variablesInDeep([step.command?.args, step.command?.stdin, step.before, step.check, Object.values(step.derive)]);
}

/** Each derived variable, with the variables its template uses. */
function derivations(steps: readonly Step[]): Map<string, string[]> {
	const found = new Map<string, string[]>();
	for (const step of steps) for (const [name, template] of Object.entries(step.derive)) found.set(name, variablesIn(template));
	return found;
}

/** The variables these names are made from: the names, and what each derived one is derived from, all the way down. */
function sourcesOf(names: readonly string[], derived: Map<string, string[]>): Set<string> {
	const found = new Set<string>();
	const visit = (name: string): void => {
		if (found.has(name)) return;
		found.add(name);
		for (const source of derived.get(name) ?? []) visit(source);
	};
	names.forEach(visit);
	return found;
}

/** The names, and every derived variable made from them, all the way up. */
function dependentsOf(names: readonly string[], derived: Map<string, string[]>): Set<string> {
	const found = new Set(names);
	for (let grew = true; grew;) {
		grew = false;
		for (const [name, sources] of derived) {
			if (!found.has(name) && sources.some(source => found.has(source))) {
				found.add(name);
				grew = true;
			}
		}
	}
	return found;
}

/**
 * What `edit` asks on a step: the step's own inputs, after the answers of earlier steps that its command,
 * checks or derived variables use (directly, or through a derived variable such as {target}), in the
 * order the lesson asked them. An earlier answer is offered only when it was typed (text, or an image
 * name to pull): walking through the answers with Enter keeps each one, which a secret (never shown, so
 * typed again) or a pick list of local images (whose first entry makes a new starter image) would not.
 */
export function editableAnswers(state: RunState, index: number): Asked[] {
	const step = state.steps[index];
	if (!step) return [];
	const wanted = sourcesOf(usedBy(step), derivations(state.steps));
	const own = new Set(step.inputs.map(input => input.id));
	const owners = new Map<string, Asked>();
	state.steps.slice(0, index).forEach((earlier, position) =>
		earlier.inputs.forEach((input, inputIndex) => {
			if (input.kind !== 'secret') owners.set(input.id, {step: position, input: inputIndex});
		}),
	);
	const earlier = [...owners.entries()]
		.filter(([name, asked]) => wanted.has(name) && !own.has(name) && isTyped(state.steps[asked.step]!.inputs[asked.input]!))
		.map(([, asked]) => asked)
		.sort((first, second) => first.step - second.step || first.input - second.input);
	return [...earlier, ...step.inputs.map((_, input) => ({step: index, input}))];
}

function isTyped(input: StepInput): boolean {
	return input.kind === 'text' || input.kind === 'reference';
}

/**
 * Answers of earlier steps changed (edited here, or taken from what a check found): what was derived from
 * them is derived again, and `then` goes on with the step. An earlier step is done again only when its
 * command ran with the old answer, because what it left on the machine no longer matches: changing the
 * username after the login means logging in again, changing the repository after the tag means tagging
 * again. A step that only checked or recorded the old answer stays passed: the steps from here on use the
 * new answer and their own checks prove it (the login proves the account exists). When one must be done
 * again, the run goes back to the first such step, with its answers given; on the way forward the steps
 * that still hold are passed over, back to this one.
 */
function afterChange(state: RunState, changed: readonly string[], then: (state: RunState) => RunState): RunState {
	const derived = derivations(state.steps);
	let vars = state.vars;
	for (const step of state.steps.slice(0, state.index + 1)) {
		for (const [name, template] of Object.entries(step.derive)) if (vars[name] !== undefined) vars = {...vars, [name]: fill(template, vars)};
	}
	const touched = dependentsOf(changed, derived);
	const redo = state.steps.flatMap((step, index) => {
		const used = variablesInDeep([step.command?.args, step.command?.stdin]);
		return index < state.index && state.completed.includes(step.id) && used.some(name => touched.has(name)) ? [index] : [];
	});
	const first = redo[0];
	if (first === undefined) return then({...state, vars});
	const again = redo.map(index => state.steps[index]!.id);
	const completed = state.completed.filter(id => !again.includes(id));
	const labels = changed.map(name => answerLabel(state, name));
	const notice =
		`You changed ${labels.join(' and ')}, so “${fill(state.steps[first]!.title, vars)}” is done again with ` +
		`${changed.length > 1 ? 'the new answers' : 'the new answer'}; then the lesson comes back to “${fill(currentStep(state)?.title ?? '', vars)}”.`;
	const current = currentStep(state)!.id;
	return {...enterStep({...state, vars, completed, again: [...again, current]}, first), notice};
}

/** How an answer is named to the student: its question, filled in (“Your username on 127.0.0.1:5000”). */
function answerLabel(state: RunState, name: string): string {
	const input = state.steps.flatMap(step => step.inputs).find(candidate => candidate.id === name);
	return `“${input ? fill(input.label, state.vars) : name}”`;
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
	return currentQuestion(state)?.input;
}

/** The question asked now, and the index of the step it belongs to (an earlier one when an earlier answer is changed). */
export function currentQuestion(state: RunState): {readonly input: StepInput; readonly step: number} | undefined {
	if (state.phase.name !== 'input') return undefined;
	const asked = questionsOf(state, state.phase)[state.phase.index];
	const input = asked && state.steps[asked.step]?.inputs[asked.input];
	return asked && input ? {input, step: asked.step} : undefined;
}
