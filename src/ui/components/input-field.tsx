import {PasswordInput, TextInput} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React from 'react';
import {marks, theme} from '../theme.js';

export type InputFieldProps = {
	readonly label: string;
	readonly secret: boolean;
	readonly defaultValue?: string;
	readonly help?: string;
	readonly error?: string;
	readonly onSubmit: (value: string) => void;
};

/** One question: a label, a field (masked for secrets), its help, and why the last answer was refused. */
export function InputField({label, secret, defaultValue, help, error, onSubmit}: InputFieldProps): React.JSX.Element {
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold>{label}:</Text>
			<Box>
				<Text color={theme.accent}>{marks.arrow} </Text>
				{secret ? <PasswordInput onSubmit={onSubmit} /> : <TextInput defaultValue={defaultValue} onSubmit={onSubmit} />}
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
