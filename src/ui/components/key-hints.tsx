import {Box, Text} from 'ink';
import React from 'react';
import {theme} from '../theme.js';

export type KeyHint = readonly [key: string, action: string];

/** The keys that work right now, on one line. */
export function KeyHints({hints}: {readonly hints: readonly KeyHint[]}): React.JSX.Element {
	return (
		<Box marginTop={1} flexWrap="wrap" columnGap={2}>
			{hints.map(([key, action]) => (
				<Text key={key}>
					<Text color={theme.key} bold>
						{key}
					</Text>{' '}
					<Text color={theme.muted}>{action}</Text>
				</Text>
			))}
		</Box>
	);
}
