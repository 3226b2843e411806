import {Box, Text} from 'ink';
import React from 'react';
import type {Failure} from '../../lesson-run/lesson-run.js';
import {didLines} from '../../text/check-did.js';
import {marks, theme} from '../theme.js';
import {DiagnosisLines, WhatToDo} from './diagnosis-lines.js';

/** The engine's last lines shown. */
const shownLines = 8;

type FailureViewProps = {
	readonly failure: Failure;
	readonly engineName: string;
	readonly compact?: boolean;
	/** Compact, but with what the failure means (a terminal tall enough, where the frames did not fit). */
	readonly meaning?: boolean;
};

/**
 * A failed step: what happened, what the engine said, what it means, what to do next. In a short
 * terminal only what happened and what to do, without the frame, so the step's title and command
 * stay on screen; a taller window shows the rest (without the engine's words and the frame when
 * the step would not fit with them).
 */
export function FailureView({failure, engineName, compact = false, meaning = false}: FailureViewProps): React.JSX.Element {
	const said = (failure.detail ?? '').split('\n').filter(line => line.trim().length > 0);
	const who = failure.stage === 'command' ? engineName : 'registry-lab';
	// A check that could not be made is neither a pass nor a fail: its own mark and colour.
	const colour = failure.couldNotCheck ? theme.warning : theme.failure;
	return (
		<Box flexDirection="column" marginTop={compact ? 0 : 1} {...(compact ? {} : {borderStyle: 'round', borderColor: colour, paddingX: 1})}>
			<Text color={colour} bold>
				{failure.couldNotCheck ? `${marks.unknown} Could not check: ` : `${marks.fail} `}
				{failure.summary}
			</Text>
			{compact && failure.diagnosis && (meaning ? <DiagnosisLines diagnosis={failure.diagnosis} /> : <WhatToDo hint={failure.diagnosis.hint} />)}
			{!compact && said.length > 0 && (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>What {who} said:</Text>
					{said.slice(-shownLines).map((line, index) => (
						<Text key={index} color={theme.muted} wrap="wrap">
							{'  '}
							{line}
						</Text>
					))}
				</Box>
			)}
			{!compact && failure.diagnosis && (
				<Box flexDirection="column" marginTop={1}>
					<DiagnosisLines diagnosis={failure.diagnosis} />
				</Box>
			)}
		</Box>
	);
}

/** What the check did, under its result, when the student asked (`w`): a muted line each. */
export function CheckDid({did}: {readonly did: string | undefined}): React.JSX.Element | null {
	const lines = didLines(did);
	if (lines.length === 0) return null;
	return (
		<Box flexDirection="column">
			{lines.map((line, index) => (
				<Text key={index} color={theme.muted} wrap="wrap">
					{line}
				</Text>
			))}
		</Box>
	);
}
