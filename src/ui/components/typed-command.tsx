import {Box, Text} from 'ink';
import React from 'react';
import {marks, theme} from '../theme.js';
import {LineInput} from './line-input.js';

export type TypedCommandProps = {
	readonly engineName: string;
	/** The step's answers, as a reminder of what the command should use. */
	readonly answers?: readonly string[];
	/** What was wrong with the last line, or the last hint. */
	readonly feedback?: string;
	/** The whole command, filled in, once the student asked to be shown it. */
	readonly shown?: string;
	/** Drop the blank line above it, when the terminal has few rows. */
	readonly compact?: boolean;
	readonly onSubmit: (line: string) => void;
};

/** The student types the command, as in a terminal; it is checked before anything runs. */
export function TypedCommand({engineName, answers = [], feedback, shown, compact = false, onSubmit}: TypedCommandProps): React.JSX.Element {
	return (
		<Box flexDirection="column" marginTop={compact ? 0 : 1}>
			{answers.length > 0 && <Text color={theme.muted}>Your answers: {answers.join(' · ')}</Text>}
			<Text bold>Type the command yourself, as you would in a terminal:</Text>
			<Box>
				<Text color={theme.muted}>{marks.prompt} </Text>
				{/* The command shown as the last hint is there to be run or edited, as a line recalled in a shell: typing adds to it. */}
				<LineInput initial={shown} selected={false} placeholder={`${engineName} …`} indent={6} onSubmit={onSubmit} />
			</Box>
			{feedback && (
				<Text color={theme.warning} wrap="wrap">
					{marks.arrow} {feedback}
				</Text>
			)}
		</Box>
	);
}
