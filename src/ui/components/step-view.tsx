import {Box, Text, useInput, useStdout} from 'ink';
import React from 'react';
import type {LessonView, Move, MoveRequest} from '../../driver/port.js';
import {fill} from '../../lesson/template.js';
import {paragraphs} from '../../text/paragraphs.js';
import {availableActions} from '../../lesson-run/actions.js';
import {currentStep, type RunState} from '../../lesson-run/lesson-run.js';
import {actionForKey, keyHints} from '../keys.js';
import {marks, theme} from '../theme.js';
import {CommandLine} from './command-line.js';
import {FailureView} from './failure-view.js';
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
	const {stdout} = useStdout();
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
	const textWidth = Math.max(20, Math.min(100, (stdout.columns || 80) - 4));
	const {command} = view;
	const number = state.index + 1;
	const total = state.steps.length;
	const answer = (value: string): void => onMove({name: 'answer', value});

	return (
		<Box flexDirection="column">
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
			<Box marginTop={1}>
				<Text>{reflow(fill(step.body, vars, '…'), textWidth)}</Text>
			</Box>
			{step.tip && fill(step.tip, vars) && (
				<Box marginTop={1}>
					<Text color={theme.accent}>Tip: {fill(step.tip, vars)}</Text>
				</Box>
			)}
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
					onSubmit={line => onMove({name: 'typed', line})}
				/>
			) : (
				command && phase.name !== 'input' && <CommandLine command={command} />
			)}
			{phase.name === 'ready' && !state.typing && state.feedback && <Text color={theme.warning}>{state.feedback}</Text>}
			{(phase.name === 'running' ||
				phase.name === 'canceled' ||
				phase.name === 'passed' ||
				(phase.name === 'failed' && phase.failure.stage === 'check')) && (
				<OutputView lines={state.output} mode={step.command?.progress ?? 'lines'} height={phase.name === 'running' ? 10 : 4} />
			)}
			<Status state={state} engineName={view.engineName} width={textWidth} />
			<KeyHints hints={keyHints(availableActions(state), typing)} />
		</Box>
	);
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

function Status({state, engineName, width}: {readonly state: RunState; readonly engineName: string; readonly width: number}): React.JSX.Element | null {
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
				<Box marginTop={1}>
					<Text color={theme.success} bold>
						{`${marks.pass} ${phase.result?.summary ?? 'Done.'}`
							.split('\n')
							.map(line => wrapWords(line, width))
							.join('\n')}
					</Text>
				</Box>
			);
		case 'failed':
			return <FailureView failure={phase.failure} engineName={engineName} />;
		case 'canceled':
			return (
				<Box marginTop={1}>
					<Text color={theme.warning}>Stopped. Nothing more will run until you say so.</Text>
				</Box>
			);
		default:
			return null;
	}
}
