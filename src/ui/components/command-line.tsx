import {Box, Text} from 'ink';
import React from 'react';
import {marks, theme} from '../theme.js';

/** The exact command the step runs, secrets already masked. */
export function CommandLine({command}: {readonly command: string}): React.JSX.Element {
	return (
		<Box marginTop={1} paddingX={1} borderStyle="round" borderColor={theme.muted}>
			<Text>
				<Text color={theme.muted}>{marks.prompt} </Text>
				<Text color={theme.command} bold>
					{command}
				</Text>
			</Text>
		</Box>
	);
}
