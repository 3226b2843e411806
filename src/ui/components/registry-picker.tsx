import {Select, TextInput} from '@inkjs/ui';
import {Box, Text} from 'ink';
import React, {useState} from 'react';
import {registryOptions, type RegistryChoice} from '../../driver/lab-vars.js';
import {hostProblem} from '../../registry/address.js';
import {marks, theme} from '../theme.js';

export type RegistryPickerProps = {
	readonly options?: typeof registryOptions;
	readonly onChoose: (choice: RegistryChoice) => void;
};

/** Where the student pushes: Docker Hub, the class registry (its address typed and checked), or a practice registry. */
export function RegistryPicker({options = registryOptions, onChoose}: RegistryPickerProps): React.JSX.Element {
	const [askHost, setAskHost] = useState(false);
	const [error, setError] = useState<string | undefined>();
	if (askHost) {
		return (
			<Box flexDirection="column">
				<Text bold>Address of the class registry (from your instructor), like registry.school.example:5000</Text>
				<Box>
					<Text>Registry: </Text>
					<TextInput
						key={error ?? ''}
						onSubmit={value => {
							const problem = hostProblem(value.trim());
							if (problem) setError(problem);
							else onChoose({kind: 'class', host: value.trim()});
						}}
					/>
				</Box>
				{error && (
					<Text color={theme.failure}>
						{marks.fail} {error}
					</Text>
				)}
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text bold>Where will you push your image?</Text>
			<Select
				options={options.map(option => ({label: `${option.title} — ${option.detail}`, value: option.value}))}
				onChange={value => {
					if (value === 'class') setAskHost(true);
					else onChoose(value === 'hub' ? {kind: 'hub'} : {kind: 'practice'});
				}}
			/>
		</Box>
	);
}
