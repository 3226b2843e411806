import {Box, measureElement, Text, useInput, type DOMElement} from 'ink';
import React, {useEffect, useRef, useState} from 'react';
import type {LessonView, Move, MoveRequest} from '../../driver/port.js';
import {fill} from '../../lesson/template.js';
import {paragraphs} from '../../text/paragraphs.js';
import {availableActions} from '../../lesson-run/actions.js';
import {currentStep, type RunState} from '../../lesson-run/lesson-run.js';
import {actionForKey, keyHints} from '../keys.js';
import {marks, theme} from '../theme.js';
import {useTerminalSize} from '../use-terminal-size.js';
import {CommandLine} from './command-line.js';
import {CheckDid, FailureView} from './failure-view.js';
import {InputField} from './input-field.js';
import {KeyHints} from './key-hints.js';
import {OutputView} from './output-view.js';
import {PickList} from './pick-list.js';
import {TypedCommand} from './typed-command.js';
import {Working} from './working.js';

export type StepViewProps = {
	readonly view: LessonView;
	/** Set while the driver waits for the student. */
	readonly request?: MoveRequest;
	readonly onMove: (move: Move) => void;
	/** esc while a command runs. */
	readonly onStop: () => void;
};

/** One step of the lesson: explanation, command, inputs, live output, result, and the keys that work. */
export function StepView({view, request, onMove, onStop}: StepViewProps): React.JSX.Element | null {
	const {state} = view;
	const step = currentStep(state);
	const {phase} = state;
	const vars = state.vars;
	const {columns, rows} = useTerminalSize();
	const textWidth = Math.max(20, Math.min(100, columns - 4));
	const text = step ? lessonText(fill(step.body, vars, '…'), step.tip ? fill(step.tip, vars) : '', textWidth) : [];
	// What the rows are fitted to: a new step, phase or terminal size starts the fitting afresh.
	const fit = useFitRows(rows, text.length, `${rows}:${state.index}:${phase.name}`, phase.name === 'running');
	const link = step?.link && fill(step.link.url, vars) ? {label: fill(step.link.label, vars), url: fill(step.link.url, vars)} : undefined;
	const input = request?.input;
	const typing = phase.name === 'ready' && state.typing;

	useInput(
		(key, special) => {
			if (special.escape && phase.name === 'running') {
				onStop();
				return;
			}
			if (!request) return;
			// While the student types a command, letters belong to it: only tab switches.
			if (typing && !special.tab) return;
			const name = actionForKey(key, special, request.actions);
			if (name && name !== 'answer' && name !== 'typed' && name !== 'stop') onMove({name});
		},
		{isActive: phase.name !== 'input'},
	);

	if (!step) return null;
	// A short terminal, or a step too tall for its terminal even with the lesson text cut (a long hint after a failure):
	// no blank lines between the parts, no frames, fewer rows of a list or of output.
	const shortTerminal = rows !== undefined && rows < shortRows;
	const short = shortTerminal || fit.tight;
	const shownText = fit.bodyLimit === undefined ? text : text.slice(0, fit.bodyLimit);
	const hidden = text.length - shownText.length;
	const {command} = view;
	const number = state.index + 1;
	const total = state.steps.length;
	const answer = (value: string): void => onMove({name: 'answer', value});

	return (
		<Box ref={fit.whole} flexDirection="column">
			<Text>
				<Text color={theme.muted}>
					Step {number} of {total}{' '}
				</Text>
				<Text color={theme.muted}>{state.steps.map((candidate, index) => stepMark(state, candidate.id, index)).join('')}</Text>
			</Text>
			<Text color={theme.title} bold>
				{fill(step.title, vars)}
			</Text>
			{state.notice && (
				<Text color={theme.warning}>
					{marks.arrow} {state.notice}
				</Text>
			)}
			<Box ref={fit.body} flexDirection="column" marginTop={short ? 0 : 1}>
				{shownText.map((line, index) => (
					<Text key={index} color={line.tip ? theme.accent : undefined}>
						{line.text || ' '}
					</Text>
				))}
				{hidden > 0 && (
					<Text color={theme.muted} wrap="truncate-end">
						{marks.more} {hidden} more {hidden === 1 ? 'line' : 'lines'}: make the window taller to read them
					</Text>
				)}
			</Box>
			{link && (
				<Box marginTop={1} flexDirection="column">
					<Text>
						{link.label}:{' '}
						<Text color={theme.accent} underline>
							{link.url}
						</Text>
					</Text>
					{view.linkNote && <Text color={theme.muted}>{view.linkNote}</Text>}
				</Box>
			)}
			{view.working && <Working label={view.working} />}
			{input && input.from && phase.name === 'input' && !view.working && (
				<Box marginTop={1}>
					<Text color={theme.muted}>
						Your answer from step {input.from.number}, “{input.from.title}”:
					</Text>
				</Box>
			)}
			{input &&
				phase.name === 'input' &&
				!view.working &&
				(input.pick ? (
					<Box flexDirection="column">
						{input.error && (
							<Text color={theme.failure}>
								{marks.fail} {input.error}
							</Text>
						)}
						<PickList
							key={`${step.id}-${input.input.id}-${input.pick.heading}`}
							heading={input.pick.heading}
							note={input.pick.note}
							options={input.pick.options}
							visible={rows === undefined ? 8 : clamp(rows - 12, 3, 8)}
							compact={short}
							onPick={answer}
						/>
					</Box>
				) : (
					<InputField
						key={`${step.id}-${input.input.id}-${input.error ?? ''}`}
						label={input.label}
						secret={input.secret}
						defaultValue={input.defaultValue}
						help={input.help}
						error={input.error}
						compact={short}
						onSubmit={answer}
					/>
				))}
			{command && typing ? (
				<TypedCommand
					key={`${step.id}-${state.hintLevel >= 3 ? 'shown' : 'own'}`}
					answers={view.answers}
					engineName={view.engineName}
					feedback={state.feedback}
					shown={state.hintLevel >= 3 ? command : undefined}
					compact={short}
					onSubmit={line => onMove({name: 'typed', line})}
				/>
			) : (
				command && phase.name !== 'input' && <CommandLine command={command} compact={short} />
			)}
			{phase.name === 'ready' && !state.typing && state.feedback && <Text color={theme.warning}>{state.feedback}</Text>}
			{fit.outputLimit !== 0 &&
				(phase.name === 'running' ||
					phase.name === 'canceled' ||
					phase.name === 'passed' ||
					(phase.name === 'failed' && phase.failure.stage === 'check')) && (
					<Box ref={fit.output} flexDirection="column">
						<OutputView
							lines={state.output}
							mode={step.command?.progress ?? 'lines'}
							height={fit.outputLimit ?? outputHeight(phase.name === 'running', rows)}
						/>
					</Box>
				)}
			<Status state={state} engineName={view.engineName} width={textWidth} compact={short} meaning={!shortTerminal} />
			<KeyHints hints={keyHints(availableActions(state), typing)} compact={short} />
		</Box>
	);
}

/** Under this many rows, the step drops its blank lines and shows fewer rows of lists and output. */
const shortRows = 20;
/** Rows the app draws around the step: its name, the blank line under it, and the line Ink leaves for the cursor. */
const appRows = 3;

const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, value));

/** Lines of the engine's output shown: ten while it runs and four after, fewer in a short terminal. */
function outputHeight(running: boolean, rows: number | undefined): number {
	if (rows === undefined) return running ? 10 : 4;
	return running ? clamp(rows - 13, 2, 10) : clamp(rows - 14, 1, 4);
}

type FitRows = {
	readonly whole: React.RefObject<DOMElement | null>;
	readonly body: React.RefObject<DOMElement | null>;
	readonly output: React.RefObject<DOMElement | null>;
	/** How many lines of the lesson text to show; undefined: all. */
	readonly bodyLimit: number | undefined;
	/** How many lines of the engine's output to show at most; undefined: as many as usual; 0: none (the result says what matters). */
	readonly outputLimit: number | undefined;
	/** The step does not fit even so: draw it compact, as in a short terminal. */
	readonly tight: boolean;
};

/**
 * The step in the terminal's rows: the title, the command, the field, the result and the keys
 * matter more than the whole explanation, so when the step is taller than the terminal the lesson
 * text is cut (with a line saying how much more there is) by what the rest of the step takes, as
 * Ink laid it out; if the rest alone is too tall, the engine's output shows fewer lines, and if it
 * still is (a failure with a hint of several lines in 24 rows), the step is drawn compact.
 */
function useFitRows(rows: number | undefined, textLines: number, fitting: string, running: boolean): FitRows {
	const whole = useRef<DOMElement>(null);
	const body = useRef<DOMElement>(null);
	const output = useRef<DOMElement>(null);
	const [bodyLimit, setBodyLimit] = useState<number | undefined>(undefined);
	const [outputFit, setOutput] = useState<{readonly fitting: string; readonly limit?: number}>({fitting});
	const outputLimit = outputFit.fitting === fitting ? outputFit.limit : undefined;
	// Held for this fitting: drawn compact, the step fits, and must not go back to the frames that did not.
	const [tightFit, setTight] = useState<string | undefined>(undefined);
	const tight = tightFit === fitting;
	// After every draw, when Ink has laid the boxes out (anything may have changed their height): a new limit draws once more, then holds.
	// eslint-disable-next-line react-hooks/exhaustive-deps -- it measures after every draw, and sets state only when a limit changes
	useEffect(() => {
		if (rows === undefined || !whole.current || !body.current) {
			if (bodyLimit !== undefined) setBodyLimit(undefined);
			return;
		}
		const available = rows - appRows;
		const rest = measureElement(whole.current).height - measureElement(body.current).height;
		const room = available - rest;
		const limit = textLines <= room ? undefined : Math.max(0, room - 1);
		if (limit !== bodyLimit) setBodyLimit(limit);
		// With the text at its least, what still does not fit comes out of the output: while the command runs one line
		// stays, after it the output may go (its layers' and other lines are not cut by a limit).
		const over = rest + (limit === undefined ? textLines : limit + 1) - available;
		const shown = output.current ? measureElement(output.current).height : 0;
		if (over > 0 && shown > 0) {
			const next = Math.max(running ? 1 : 0, (outputLimit ?? shown) - over);
			if (next !== outputLimit) setOutput({fitting, limit: next});
		} else if (over > 0 && !running && !tight) setTight(fitting);
	});
	return {whole, body, output, bodyLimit, outputLimit, tight};
}

/** A step's mark in the row of steps: passed, the current one, one left behind unchecked (a check that could not be made), or to do. */
function stepMark(state: RunState, id: string, index: number): string {
	if (index === state.index) return marks.current;
	if (state.completed.includes(id)) return marks.pass;
	return index < state.index ? marks.unknown : marks.todo;
}

/**
 * Lesson text is written with line breaks for the YAML's sake: join the lines of each
 * paragraph and wrap them at the terminal's width, at spaces (Ink's own wrapping keeps
 * the space at the start of the next line). Indented lines stay as they are.
 */
export function reflow(text: string, width = 80): string {
	return paragraphs(text)
		.split('\n\n')
		.map(paragraph => (/^\s/.test(paragraph) ? paragraph : wrapWords(paragraph, width)))
		.join('\n\n');
}

/** A line of the step's text as drawn: one row of the terminal. */
export type TextLine = {readonly text: string; readonly tip?: boolean};

/**
 * The step's body and its tip as the rows they take at this width: reflowed, and a line still
 * too long (an indented example, a long address) cut into pieces, so that one line is one row.
 */
export function lessonText(body: string, tip: string, width: number): TextLine[] {
	const rows = (text: string): string[] =>
		text.trim() === ''
			? []
			: reflow(text, width)
					.split('\n')
					.flatMap(line => cut(line, width));
	const tipRows = tip.trim() === '' ? [] : rows(`Tip: ${tip}`);
	return [...rows(body).map(text => ({text})), ...(tipRows.length > 0 ? [{text: ''}] : []), ...tipRows.map(text => ({text, tip: true}))];
}

function cut(line: string, width: number): string[] {
	if (line.length <= width) return [line];
	const pieces: string[] = [];
	for (let start = 0; start < line.length; start += width) pieces.push(line.slice(start, start + width));
	return pieces;
}

function wrapWords(text: string, width: number): string {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/ +/)) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines.join('\n');
}

type StatusProps = {
	readonly state: RunState;
	readonly engineName: string;
	readonly width: number;
	readonly compact: boolean;
	/** A failure says what it means too (there is room for it unless the terminal is short). */
	readonly meaning: boolean;
};

function Status({state, engineName, width, compact, meaning}: StatusProps): React.JSX.Element | null {
	const {phase} = state;
	switch (phase.name) {
		case 'before':
			return <Working label="Checking your answers before anything runs…" />;
		case 'running':
			return <Working label={`Running ${engineName}…`} />;
		case 'checking':
			return <Working label={phase.selfRun ? 'Checking what you did in your terminal…' : 'Checking the result…'} />;
		case 'passed':
			return (
				<Box marginTop={compact ? 0 : 1} flexDirection="column">
					<Text color={theme.success} bold>
						{`${marks.pass} ${phase.result?.summary ?? 'Done.'}`
							.split('\n')
							.map(line => wrapWords(line, width))
							.join('\n')}
					</Text>
					{state.showDid && <CheckDid did={phase.result?.did} />}
				</Box>
			);
		case 'failed':
			return (
				<Box flexDirection="column">
					<FailureView failure={phase.failure} engineName={engineName} compact={compact} meaning={meaning} />
					{state.showDid && <CheckDid did={phase.failure.did} />}
				</Box>
			);
		case 'canceled':
			return (
				<Box marginTop={compact ? 0 : 1}>
					<Text color={theme.warning}>Stopped. Nothing more will run until you say so.</Text>
				</Box>
			);
		default:
			return null;
	}
}
