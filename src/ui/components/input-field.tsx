import {Box, Text} from 'ink';
import React from 'react';
import {marks, theme} from '../theme.js';
import {LineInput} from './line-input.js';

export type InputFieldProps = {
	readonly label: string;
	readonly secret: boolean;
	readonly defaultValue?: string;
	readonly help?: string;
	readonly error?: string;
	/** Drop the blank line above it, when the terminal has few rows. */
	readonly compact?: boolean;
	readonly onSubmit: (value: string) => void;
};

/**
 * One question: a label, a field (masked for secrets), its help, and why the last answer was refused.
 * A default is shown selected (typing replaces it); after a refusal the field holds what was typed,
 * to be fixed, not replaced.
 */
export function InputField({label, secret, defaultValue, help, error, compact = false, onSubmit}: InputFieldProps): React.JSX.Element {
	return (
		<Box flexDirection="column" marginTop={compact ? 0 : 1}>
			<Text bold>{label}:</Text>
			<Box>
				<Text color={theme.accent}>{marks.arrow} </Text>
				<LineInput initial={defaultValue} selected={!error} secret={secret} indent={6} onSubmit={onSubmit} />
			</Box>
			{help && <Text color={theme.muted}>{help}</Text>}
			{error && (
				<Text color={theme.failure}>
					{marks.fail} {error}
				</Text>
			)}
		</Box>
	);
}
