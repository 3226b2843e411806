import {argsForEngine} from '../container/commands.js';
import {compareTyped, hintFor, splitCommandLine, type TypedContext} from '../container/typed-command.js';
import {validateInput} from '../container/validate-input.js';
import type {StepInput} from '../lesson/schema.js';
import {fill} from '../lesson/template.js';
import {commandArgs, currentStep, displayCommand, type Event, type RunState} from '../lesson-run/lesson-run.js';
import type {LabServices} from './services.js';

/**
 * An answer to a step's input, made ready and checked: a secret loses the line ending pasted with
 * it (as docker's --password-stdin does), other answers their surrounding spaces.
 */
export function answerEvent(input: StepInput | undefined, raw: string): Event {
	const secret = input?.kind === 'secret';
	const value = secret ? raw.replace(/[\r\n]+$/, '') : raw.trim();
	// An image name is checked as one even where the lesson names no validator.
	const fallback = secret ? 'nonempty' : input?.kind === 'local-image' || input?.kind === 'reference' ? 'reference' : undefined;
	const error = validateInput(input?.validate ?? fallback, value);
	if (!error) return {type: 'submit-input', value};
	// What was typed stays for mending, unless it is a secret.
	return {type: 'reject-input', message: error, ...(secret ? {} : {value: raw})};
}

/** Words a typed line may be instead of a command, in both faces: the same escapes everywhere. */
export const typedEscapes = {'!run': 'run', '!check': 'check-only', '!edit': 'edit'} as const satisfies Record<string, Event['type']>;

/**
 * A line the student typed at a command step: an empty line asks for the next hint, an escape
 * does what it names, and a command runs only if it is what the step needs; otherwise the
 * event says why it was not run.
 */
export function typedEvent(state: RunState, line: string, services: LabServices): Event | undefined {
	const context = typedContext(state, services);
	if (!context) return undefined;
	const trimmed = line.trim();
	if (trimmed === '') return {type: 'hint', message: hintFor(state.hintLevel + 1, context)};
	const escape = typedEscapes[trimmed.toLowerCase() as keyof typeof typedEscapes];
	if (escape) return {type: escape};
	const split = splitCommandLine(line, context.engine);
	const verdict = split.ok ? compareTyped(split.words, context) : {ok: false as const, message: split.reason};
	return verdict.ok ? {type: 'run'} : {type: 'typed-mismatch', message: verdict.message};
}

function typedContext(state: RunState, services: LabServices): (TypedContext & {shape: string}) | undefined {
	const step = currentStep(state);
	if (!step?.command) return undefined;
	const {vars} = state;
	const {engine, registry} = services;
	const shape = step.command.shape ? fill(step.command.shape, vars) : (displayCommand(state, engine.name) ?? '');
	return {engine: engine.name, expected: argsForEngine(engine, commandArgs(step, vars), registry), username: vars.username, registry, shape};
}

/** The step's answers as a reminder while the student types the command; a secret is never shown. */
export function answersShown(state: RunState): string[] {
	const step = currentStep(state);
	if (!step) return [];
	return step.inputs.map(
		input =>
			`${fill(input.label, state.vars)}: ${input.kind === 'secret' || state.secretNames.includes(input.id) ? '********' : (state.vars[input.id] ?? '')}`,
	);
}
