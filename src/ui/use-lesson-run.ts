import {useCallback, useEffect, useReducer, useRef} from 'react';
import type {LabServices} from '../driver/services.js';
import {validateInput} from '../container/validate-input.js';
import {argsForEngine} from '../container/commands.js';
import {compareTyped, hintFor, splitCommandLine, type TypedContext} from '../container/typed-command.js';
import {commandArgs, currentInput, currentStep, displayCommand, pendingEffect, reduce, type RunState} from '../lesson-run/lesson-run.js';
import type {OutputLine} from '../lesson/results.js';
import {fill} from '../lesson/template.js';
import {tidyMemory} from '../run/lean-heap.js';

/** How often streamed output reaches the screen: a flood of progress lines costs one redraw per tick. */
export const outputFlushMs = 100;
/** While a command runs, the garbage of its redraws is collected this often (see run/lean-heap.ts). */
const tidyWhileRunningMs = 30_000;

export type LessonActions = {
	submitInput(value: string): void;
	back(): void;
	run(): void;
	checkOnly(): void;
	retry(): void;
	edit(): void;
	next(): void;
	cancel(): void;
	goTo(stepId: string, notice?: string): void;
	/** The student typed the command: run it if it is what the step needs, else say what differs. */
	submitTyped(line: string): void;
	/** The next hint: a nudge, the command's shape, then the command itself. */
	hint(): void;
	toggleTyping(): void;
};

/** The lesson state machine, with its effects carried out through the services. */
export function useLessonRun(services: LabServices, initial: () => RunState, onChange?: (state: RunState) => void): [RunState, LessonActions] {
	const [state, dispatch] = useReducer(reduce, undefined, initial);
	const controller = useRef<AbortController | undefined>(undefined);
	const stateRef = useRef(state);
	stateRef.current = state;

	useEffect(() => {
		const {username, password} = state.vars;
		services.setSessionCredentials(username && password ? {username, password} : undefined);
	}, [services, state.vars]);

	useEffect(() => {
		onChange?.(state);
		// Saved when a step passes or the step changes, not on every output line.
	}, [state.completed, state.index]); // eslint-disable-line react-hooks/exhaustive-deps

	useEffect(() => {
		const effect = pendingEffect(state);
		if (!effect) return;
		const abort = new AbortController();
		controller.current = abort;
		let live = true;
		const {signal} = abort;
		if (effect.kind === 'before') {
			void services.runChecks(effect.checks, signal).then(result => live && dispatch({type: 'before-done', result}));
		} else if (effect.kind === 'check') {
			void services.runCheck(effect.check, signal).then(result => live && dispatch({type: 'check-done', result}));
		} else {
			let buffer: OutputLine[] = [];
			const flush = (): void => {
				if (buffer.length === 0) return;
				const lines = buffer;
				buffer = [];
				dispatch({type: 'output', lines});
			};
			const timer = setInterval(flush, outputFlushMs);
			// A push to a slow registry can run for many minutes of redraws.
			const tidying = setInterval(tidyMemory, tidyWhileRunningMs);
			void services
				.runEngine(effect.args, {
					stdin: effect.stdin,
					timeoutMs: effect.timeoutMs,
					signal,
					onLine(text, stream) {
						buffer.push({text, stream});
					},
				})
				.then(outcome => {
					clearInterval(timer);
					clearInterval(tidying);
					if (!live) return;
					flush();
					// A calm moment: what the command's output and redraws left behind goes now.
					tidyMemory();
					dispatch({type: 'command-done', outcome});
				});
			return () => {
				live = false;
				clearInterval(timer);
				clearInterval(tidying);
				abort.abort();
			};
		}
		return () => {
			live = false;
			abort.abort();
		};
	}, [services, state.phase, state.index]); // eslint-disable-line react-hooks/exhaustive-deps

	const submitInput = useCallback((value: string) => {
		const input = currentInput(stateRef.current);
		// Like docker's --password-stdin, drop a line ending pasted along with a password.
		const trimmed = input?.kind === 'secret' ? value.replace(/[\r\n]+$/, '') : value.trim();
		const error = validateInput(input?.validate ?? (input?.kind === 'secret' ? 'nonempty' : undefined), trimmed);
		if (!error) dispatch({type: 'submit-input', value: trimmed});
		else dispatch({type: 'reject-input', message: error, ...(input?.kind === 'secret' ? {} : {value})});
	}, []);

	const typedContext = (): (TypedContext & {shape: string}) | undefined => {
		const current = stateRef.current;
		const step = currentStep(current);
		if (!step?.command) return undefined;
		const {vars} = current;
		const shape = step.command.shape ? fill(step.command.shape, vars) : displayCommand(current, services.engine.name) ?? '';
		return {engine: services.engine.name, expected: argsForEngine(services.engine, commandArgs(step, vars), services.registry), username: vars.username, registry: services.registry, shape};
	};

	const actions: LessonActions = {
		submitInput,
		back: () => dispatch({type: 'back'}),
		run: () => dispatch({type: 'run'}),
		checkOnly: () => dispatch({type: 'check-only'}),
		retry: () => dispatch({type: 'retry'}),
		edit: () => dispatch({type: 'edit'}),
		next: () => dispatch({type: 'next'}),
		cancel: () => controller.current?.abort(),
		goTo: (stepId, notice) => dispatch({type: 'go-to', stepId, notice}),
		submitTyped(line) {
			const context = typedContext();
			if (!context) return;
			if (line.trim() === '') {
				dispatch({type: 'hint', message: hintFor(stateRef.current.hintLevel + 1, context)});
				return;
			}
			const split = splitCommandLine(line);
			const verdict = split.ok ? compareTyped(split.words, context) : {ok: false as const, message: split.reason};
			dispatch(verdict.ok ? {type: 'run'} : {type: 'typed-mismatch', message: verdict.message});
		},
		hint() {
			const context = typedContext();
			if (context) dispatch({type: 'hint', message: hintFor(stateRef.current.hintLevel + 1, context)});
		},
		toggleTyping: () => dispatch({type: 'toggle-typing'}),
	};
	return [state, actions];
}
