import {Box, Text, useInput, useStdout} from 'ink';
import React from 'react';
import type {LabServices} from '../../driver/services.js';
import {argsForEngine} from '../../container/commands.js';
import {currentInput, currentStep, displayCommand, type RunState} from '../../lesson-run/lesson-run.js';
import {fill} from '../../lesson/template.js';
import type {LessonActions} from '../use-lesson-run.js';
import {marks, theme} from '../theme.js';
import {CommandLine} from './command-line.js';
import {FailureView} from './failure-view.js';
import {HubReferenceInput} from './hub-reference-input.js';
import {ImagePicker} from './image-picker.js';
import {InputField} from './input-field.js';
import {KeyHints, type KeyHint} from './key-hints.js';
import {OutputView} from './output-view.js';
import {TypedCommand} from './typed-command.js';
import {Working} from './working.js';

export type StepViewProps = {
	readonly state: RunState;
	readonly actions: LessonActions;
	readonly services: LabServices;
	readonly onOpenLink?: (url: string) => void;
	readonly linkNote?: string;
};

/** One step of the lesson: explanation, command, inputs, live output, result, and the keys that work. */
export function StepView({state, actions, services, onOpenLink, linkNote}: StepViewProps): React.JSX.Element | null {
	const step = currentStep(state);
	const {phase} = state;
	const input = currentInput(state);
	const vars = state.vars;
	const {stdout} = useStdout();
	const link = step?.link && fill(step.link.url, vars) ? {label: fill(step.link.label, vars), url: fill(step.link.url, vars)} : undefined;

	useInput(
		(key, special) => {
			if (!step) return;
			const letter = key.toLowerCase();
			if (phase.name === 'ready' && step.command && special.tab) {
				actions.toggleTyping();
				return;
			}
			// While the student types a command, letters belong to it.
			if (phase.name === 'ready' && state.typing) return;
			if (link && letter === 'o') onOpenLink?.(link.url);
			switch (phase.name) {
				case 'ready':
					if (special.return) actions.run();
					else if (letter === 'c' && step.command && step.check) actions.checkOnly();
					else if (letter === 'e') actions.edit();
					break;
				case 'running':
					if (special.escape) actions.cancel();
					break;
				case 'passed':
					if (special.return) actions.next();
					break;
				case 'failed':
				case 'canceled':
					if (special.return || letter === 'r') actions.retry();
					else if (letter === 'e') actions.edit();
					else if (letter === 'c' && step.check && phase.name === 'failed') actions.checkOnly();
					break;
				default:
					break;
			}
		},
		{isActive: phase.name !== 'input'},
	);

	if (!step) return null;
	const textWidth = Math.max(20, Math.min(100, (stdout.columns || 80) - 4));
	const command = displayCommand(state, services.engine.name, args => argsForEngine(services.engine, args, services.registry));
	const number = state.index + 1;
	const total = state.steps.length;

	return (
		<Box flexDirection="column">
			<Text>
				<Text color={theme.muted}>
					Step {number} of {total}{' '}
				</Text>
				<Text color={theme.muted}>{state.steps.map((_, index) => (index < state.index ? marks.pass : index === state.index ? marks.current : marks.todo)).join('')}</Text>
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
						{link.label}: <Text color={theme.accent} underline>{link.url}</Text>
					</Text>
					{linkNote && <Text color={theme.muted}>{linkNote}</Text>}
				</Box>
			)}
			{input && phase.name === 'input' && (
				input.kind === 'local-image' ? (
					<ImagePicker key={`${step.id}-${input.id}`} services={services} label={fill(input.label, vars)} onSubmit={actions.submitInput} />
				) : input.kind === 'reference' && services.registryKind === 'hub' ? (
					<HubReferenceInput
						key={`${step.id}-${input.id}-${phase.error ?? ''}`}
						hub={services.hub}
						label={fill(input.label, vars)}
						secret={false}
						error={phase.error}
						onSubmit={actions.submitInput}
					/>
				) : (
					<InputField
						key={`${step.id}-${input.id}-${phase.error ?? ''}`}
						label={fill(input.label, vars)}
						secret={input.kind === 'secret'}
						defaultValue={phase.draft ?? vars[input.id] ?? (input.default === undefined ? undefined : fill(input.default, vars))}
						help={input.help === undefined ? undefined : fill(input.help, vars)}
						error={phase.error}
						onSubmit={actions.submitInput}
					/>
				)
			)}
			{command && phase.name === 'ready' && state.typing ? (
				<TypedCommand
					key={`${step.id}-${state.hintLevel >= 3 ? 'shown' : 'own'}`}
					answers={step.inputs.map(input => `${fill(input.label, vars)}: ${vars[input.id] ?? ''}`)}
					engineName={services.engine.name}
					feedback={state.feedback}
					shown={state.hintLevel >= 3 ? command : undefined}
					onSubmit={actions.submitTyped}
				/>
			) : (
				command && phase.name !== 'input' && <CommandLine command={command} />
			)}
			{phase.name === 'ready' && !state.typing && state.feedback && <Text color={theme.warning}>{state.feedback}</Text>}
			{(phase.name === 'running' || phase.name === 'canceled' || phase.name === 'passed' || (phase.name === 'failed' && phase.failure.stage === 'check')) && (
				<OutputView lines={state.output} mode={step.command?.progress ?? 'lines'} height={phase.name === 'running' ? 10 : 4} />
			)}
			<Status state={state} engineName={services.engine.name} width={textWidth} />
			<KeyHints hints={hintsFor(state, Boolean(link))} />
		</Box>
	);
}

/**
 * Lesson text is written with line breaks for the YAML's sake: join the lines of each
 * paragraph and wrap them at the terminal's width, at spaces (Ink's own wrapping keeps
 * the space at the start of the next line). Indented lines stay as they are.
 */
export function reflow(text: string, width = 80): string {
	return text
		.trimEnd()
		.split(/\n{2,}/)
		.map(paragraph => {
			const lines = paragraph.split('\n');
			if (lines.every(line => /^\s/.test(line))) return paragraph;
			return wrapWords(lines.map(line => line.trim()).join(' '), width);
		})
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
						{`${marks.pass} ${phase.result?.summary ?? 'Done.'}`.split('\n').map(line => wrapWords(line, width)).join('\n')}
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

function hintsFor(state: RunState, hasLink: boolean): KeyHint[] {
	const step = currentStep(state);
	if (!step) return [];
	const open: KeyHint[] = hasLink ? [['o', 'open the link in your browser']] : [];
	const quit: KeyHint = ['ctrl+c', 'quit'];
	switch (state.phase.name) {
		case 'input':
			return [['enter', 'confirm'], quit];
		case 'ready': {
			if (step.command && state.typing) return [['enter', 'run what you typed'], ['enter on an empty line', 'a hint'], ['tab', 'run it for me'], quit];
			const main: KeyHint = step.command ? ['enter', 'run it'] : step.check ? ['enter', 'check'] : ['enter', 'continue'];
			const self: KeyHint[] = step.command && step.check ? [['c', 'I ran it in my own terminal — check now']] : [];
			const edit: KeyHint[] = step.inputs.length > 0 ? [['e', 'change my answers']] : [];
			const type: KeyHint[] = step.command ? [['tab', 'type it myself']] : [];
			return [main, ...type, ...self, ...edit, ...open, quit];
		}
		case 'running':
			return [['esc', 'stop the command'], quit];
		case 'passed':
			return [['enter', 'next step'], ...open, quit];
		case 'failed':
			return [['r', 'try again'], ...(step.inputs.length > 0 ? [['e', 'change my answers'] as KeyHint] : []), ...(step.check ? [['c', 'check again now'] as KeyHint] : []), ...open, quit];
		case 'canceled':
			return [['r', 'try again'], quit];
		default:
			return [quit];
	}
}
