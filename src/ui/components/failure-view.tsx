import {Box, Text} from 'ink';
import React from 'react';
import type {Failure} from '../../lesson-run/lesson-run.js';
import {marks, theme} from '../theme.js';
import {DiagnosisLines} from './diagnosis-lines.js';

const shownLines = 8;

/** A failed step: what happened, what the engine said, what it means, what to do next. */
export function FailureView({failure, engineName}: {readonly failure: Failure; readonly engineName: string}): React.JSX.Element {
	const said = (failure.detail ?? '').split('\n').filter(line => line.trim().length > 0);
	const who = failure.stage === 'command' ? engineName : 'registry-lab';
	// A check that could not be made is neither a pass nor a fail: its own mark and colour.
	const colour = failure.couldNotCheck ? theme.warning : theme.failure;
	return (
		<Box flexDirection="column" marginTop={1} borderStyle="round" borderColor={colour} paddingX={1}>
			<Text color={colour} bold>
				{failure.couldNotCheck ? `${marks.unknown} Could not check: ` : `${marks.fail} `}
				{failure.summary}
			</Text>
			{said.length > 0 && (
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
			{failure.diagnosis && (
				<Box flexDirection="column" marginTop={1}>
					<DiagnosisLines diagnosis={failure.diagnosis} />
				</Box>
			)}
		</Box>
	);
}
