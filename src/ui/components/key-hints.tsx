import {Box, Text} from 'ink';
import React from 'react';
import {theme} from '../theme.js';

export type KeyHint = readonly [key: string, action: string];

/** The keys of a start screen's list (where to push, resume or start over, which lesson). */
export const choosingHints: readonly KeyHint[] = [
	['↑↓', 'choose'],
	['enter', 'select'],
	['ctrl+c', 'quit'],
];

/** The keys that work right now, on one line (wrapped between hints when the terminal is narrow). */
export function KeyHints({hints, compact = false}: {readonly hints: readonly KeyHint[]; readonly compact?: boolean}): React.JSX.Element {
	return (
		<Box marginTop={compact ? 0 : 1} flexWrap="wrap" columnGap={2}>
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
