import {Box, Text} from 'ink';
import React from 'react';
import {marks, theme} from '../theme.js';

/** The exact command the step runs, secrets already masked; in a short terminal without its frame (two rows fewer). */
export function CommandLine({command, compact = false}: {readonly command: string; readonly compact?: boolean}): React.JSX.Element {
	return (
		<Box marginTop={compact ? 0 : 1} {...(compact ? {} : {paddingX: 1, borderStyle: 'round', borderColor: theme.muted})}>
			<Text>
				<Text color={theme.muted}>{marks.prompt} </Text>
				<Text color={theme.command} bold>
					{command}
				</Text>
			</Text>
		</Box>
	);
}
